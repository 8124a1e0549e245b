/// The MCP revisions this endpoint serves, and the names the protocol reserves for them.
enum MCPRevision {
    /// Stateless: every request carries its version and capabilities in `_meta`.
    static let modern = "2026-07-28"
    /// Handshake era: `initialize`, then a session. Newest first: an `initialize` asking for a
    /// revision not here is answered with the newest (the client decides whether it can use it).
    static let legacy = ["2025-11-25", "2025-06-18", "2025-03-26"]
    static let all = [modern] + legacy

    static let metaProtocolVersion = "io.modelcontextprotocol/protocolVersion"
    static let metaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    static let metaServerInfo = "io.modelcontextprotocol/serverInfo"
    static let metaSubscriptionId = "io.modelcontextprotocol/subscriptionId"

    /// 2025-06-18 and later know `title`, `outputSchema` and `structuredContent`; 2025-03-26 does not.
    static func hasStructuredOutput(_ revision: String) -> Bool { revision != "2025-03-26" }
}
