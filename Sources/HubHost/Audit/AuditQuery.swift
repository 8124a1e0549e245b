import Foundation

/// A filtered, paginated read of the audit trail. Newest first: (created_at, seq) descending.
struct AuditQuery: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    var provider: String?
    var tool: String?
    var callerId: String?
    var status: AuditStatus?
    /// Only events whose severity is at least this level (events without a severity never match).
    var minSeverity: AuditSeverity?
    /// Inclusive lower bound on created_at.
    var since: Date?
    /// Exclusive upper bound on created_at.
    var until: Date?
    /// 1…500; values outside are clamped (50 when unset).
    var limit: Int
    /// `AuditPage.nextCursor` from the previous page.
    var cursor: String?

    init(
        provider: String? = nil, tool: String? = nil, callerId: String? = nil, status: AuditStatus? = nil,
        minSeverity: AuditSeverity? = nil, since: Date? = nil, until: Date? = nil,
        limit: Int = AuditQuery.defaultLimit, cursor: String? = nil
    ) {
        self.provider = provider
        self.tool = tool
        self.callerId = callerId
        self.status = status
        self.minSeverity = minSeverity
        self.since = since
        self.until = until
        self.limit = limit
        self.cursor = cursor
    }

    var effectiveLimit: Int { min(max(limit, 1), Self.maximumLimit) }
}

/// Who is reading: an ops_admin sees every event, anyone else only their own.
struct AuditViewer: Sendable {
    /// The caller's uuid; nil only for `localOperator`, who is nobody's caller.
    var callerId: String?
    var role: OpsRole

    init(callerId: String, role: OpsRole) {
        self.callerId = callerId
        self.role = role
    }

    private init(operator role: OpsRole) {
        callerId = nil
        self.role = role
    }

    /// The person at the hub's console (`mcp-hub events`): reads everything, as an admin, and
    /// has no caller id — there is no token. A store that needs a subject for row-level security
    /// uses `AuditViewer.operatorSubject`, which no real caller can hold.
    static let localOperator = AuditViewer(operator: .opsAdmin)
    /// The nil uuid: Supabase never issues it as a `sub`.
    static let operatorSubject = "00000000-0000-0000-0000-000000000000"

    var seesEverything: Bool { role == .opsAdmin }
}

struct AuditPage: Sendable {
    var events: [StoredAuditEvent]
    /// nil on the last page.
    var nextCursor: String?
}
