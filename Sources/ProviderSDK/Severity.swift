/// The hub's four finding severities, ordered `low < medium < high < critical`.
///
/// Every provider reports the worst severity of a result as `max_severity`, which the hub copies
/// into the audit trail's indexed `severity` column; sharing one type keeps the scale identical
/// across providers. Each vendor's own words (Socket's `middle`, Sentry's `fatal`) are mapped
/// onto it in that vendor's provider.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case low, medium, high, critical

    /// Position on the scale, 0 for `low`: for ordering results whose severity may be unknown.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// This severity and every worse one: a "minimum severity" filter as a list.
    public var andAbove: [Severity] { Self.allCases.filter { $0 >= self } }

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank < rhs.rank
    }
}

extension Sequence where Element == Severity {
    /// The worst severity present, or nil when there is none.
    public var maxSeverity: Severity? { self.max() }
}

/// A result's `max_severity` field. Encodes as the severity or as an explicit `null`: agents and
/// the hub's audit read the key, so it must be present even when nothing was found (a plain
/// optional would be left out).
public struct MaxSeverity: Encodable, Sendable, Equatable {
    public let value: Severity?

    public init(_ value: Severity?) { self.value = value }

    /// The worst of `severities`.
    public init(of severities: some Sequence<Severity>) { value = severities.maxSeverity }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
