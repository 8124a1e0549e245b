/// Collects WHERE conditions and their parameters, numbering placeholders as it goes. `marker` is
/// "$" for PostgreSQL ($1, $2, …) and "?" for SQLite (?1, ?2, …).
struct AuditFilterSQL<Value> {
    private let marker: String
    private(set) var conditions: [String] = []
    private(set) var values: [Value] = []

    init(marker: String) {
        self.marker = marker
    }

    /// Adds a condition; `template` gets one placeholder per value, in order.
    mutating func add(_ values: [Value], _ template: ([String]) -> String) {
        let placeholders = values.indices.map { "\(marker)\(self.values.count + 1 + $0)" }
        conditions.append(template(placeholders))
        self.values.append(contentsOf: values)
    }

    var whereClause: String {
        conditions.isEmpty ? "" : "where " + conditions.joined(separator: " and ")
    }
}
