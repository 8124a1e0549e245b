import Foundation

/// Finding severity, ordered low < medium < high < critical. Stored as its raw value.
enum AuditSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case low, medium, high, critical

    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    static func < (lhs: AuditSeverity, rhs: AuditSeverity) -> Bool { lhs.rank < rhs.rank }

    /// Reads a provider's own word for a level. Upstreams disagree on names (Socket says "middle",
    /// Sentry says "fatal"/"error"/"warning"), so the common synonyms map onto the four levels.
    init?(parsing text: String) {
        switch text.lowercased() {
        case "low", "info", "informational", "debug", "note": self = .low
        case "medium", "middle", "moderate", "warning", "warn": self = .medium
        case "high", "error", "severe": self = .high
        case "critical", "fatal": self = .critical
        default: return nil
        }
    }

    /// The levels at or above `self`, for a `severity ≥ x` filter written as `severity IN (…)`.
    var atLeast: [AuditSeverity] { Self.allCases.filter { $0 >= self } }

    /// The highest severity that any `"severity"` field anywhere in `json` reports, or nil.
    /// For the request path: the hub fills `AuditEvent.severity` from a tool's result with this.
    static func highest(inResultJSON json: String) -> AuditSeverity? {
        guard let data = json.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return nil }
        return highest(in: root)
    }

    private static func highest(in value: Any) -> AuditSeverity? {
        var best: AuditSeverity?
        func consider(_ candidate: AuditSeverity?) {
            if let candidate, best.map({ candidate > $0 }) ?? true { best = candidate }
        }
        if let object = value as? [String: Any] {
            for (key, child) in object {
                if key.lowercased() == "severity", let text = child as? String {
                    consider(AuditSeverity(parsing: text))
                } else {
                    consider(highest(in: child))
                }
            }
        } else if let array = value as? [Any] {
            for child in array { consider(highest(in: child)) }
        }
        return best
    }
}
