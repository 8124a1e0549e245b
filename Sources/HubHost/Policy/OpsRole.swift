/// The ops roles, in increasing order of power. A caller's role comes from the token's
/// `app_metadata.ops_role`; a tool's `min_role` comes from the config.
enum OpsRole: String, Sendable, CaseIterable, Comparable, Codable {
    case opsViewer = "ops_viewer"
    case opsOperator = "ops_operator"
    case opsAdmin = "ops_admin"

    private var rank: Int {
        switch self {
        case .opsViewer: 0
        case .opsOperator: 1
        case .opsAdmin: 2
        }
    }

    static func < (lhs: OpsRole, rhs: OpsRole) -> Bool { lhs.rank < rhs.rank }
}

/// The rate-limit class a tool declares in its manifest.
enum RateCategory: String, Sendable, CaseIterable, Codable {
    case reads, scans, writes
}
