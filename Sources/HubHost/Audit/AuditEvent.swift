import Foundation

/// How a request ended. Every request yields exactly one event with one of these.
enum AuditStatus: String, Sendable, Codable, CaseIterable {
    case ok, error, denied
    case rateLimited = "rate_limited"
    case timeout
    /// The caller withdrew the call while the provider ran (MCP cancellation); the provider's
    /// cancel flag was set.
    case cancelled
}

/// The door a request came through.
enum AuditChannel: String, Sendable, Codable, CaseIterable {
    case rest, mcp, cli
    /// The hub itself: reloads, state changes its background prober sees.
    case system
}

/// One audited request, as the request path hands it to an `AuditStore`.
///
/// The caller scrubs secrets before building it; the store only normalises (lower-case uuids,
/// severity synonyms, the result cap) and never inspects content for secrets.
struct AuditEvent: Sendable, Equatable, Codable {
    var id: UUID
    var requestId: String
    var provider: String
    var tool: String
    /// The caller's uuid as text; nil when authentication failed and the caller is unknown.
    var callerId: String?
    /// `ops_viewer`, `ops_operator`, `ops_admin`, or `unknown` when authentication failed.
    var callerRole: String
    var team: String?
    var status: AuditStatus
    /// The stage that refused or failed the request: authenticate|authorize|rate_limit|validate|invoke.
    var stage: String?
    /// The tool input, JSON text.
    var payload: String?
    /// The tool output, JSON text; the store replaces one over its cap with a marker (`AuditResultCap`).
    var result: String?
    var error: String?
    var durationMs: Int
    /// The upstream host the tool called, if any.
    var hostname: String?
    /// The highest finding severity the result reports (`AuditSeverity`), if any.
    var severity: String?
    var createdAt: Date
    /// Where the request came from (migration 002); nil only on rows written before it.
    var channel: AuditChannel?
    /// The MCP revision an `mcp` request spoke.
    var protocolVersion: String?
    /// The provider build that served the call.
    var providerVersion: String?

    init(
        id: UUID = UUID(), requestId: String, provider: String, tool: String,
        callerId: String?, callerRole: String, team: String? = nil,
        status: AuditStatus, stage: String? = nil, payload: String? = nil, result: String? = nil,
        error: String? = nil, durationMs: Int, hostname: String? = nil, severity: String? = nil,
        createdAt: Date = Date(), channel: AuditChannel? = .rest, protocolVersion: String? = nil,
        providerVersion: String? = nil
    ) {
        self.id = id
        self.requestId = requestId
        self.provider = provider
        self.tool = tool
        self.callerId = callerId
        self.callerRole = callerRole
        self.team = team
        self.status = status
        self.stage = stage
        self.payload = payload
        self.result = result
        self.error = error
        self.durationMs = durationMs
        self.hostname = hostname
        self.severity = severity
        self.createdAt = createdAt
        self.channel = channel
        self.protocolVersion = protocolVersion
        self.providerVersion = providerVersion
    }
}

/// An event as stored: the event (as normalised by the store) plus its place in the hash chain.
struct StoredAuditEvent: Sendable, Equatable {
    var event: AuditEvent
    /// Chain order: 1, 2, 3, … with no gaps.
    var seq: Int64
    var prevHash: String
    var rowHash: String
}
