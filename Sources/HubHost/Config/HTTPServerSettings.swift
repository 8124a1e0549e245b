/// `hub.http`: how long the server waits for a client, and how many it holds at once. Without
/// deadlines a half-open connection is never closed: enough of them exhaust file descriptors
/// and memory and the hub stops answering.
struct HTTPServerSettings: Sendable, Equatable {
    /// `header_timeout_ms`: a request's head must be complete this long after the connection
    /// opened or the previous reply was sent (also the keep-alive limit); default 10000.
    var headerTimeoutMs: Int
    /// `body_timeout_ms`: the body must be complete this long after the head; default 30000.
    var bodyTimeoutMs: Int
    /// `idle_timeout_ms`: a connection with nothing arriving for this long is closed; default 60000.
    var idleTimeoutMs: Int
    /// `max_connections`: connections served at once; more wait in the listen backlog. Default 4096.
    var maxConnections: Int

    static let `default` = HTTPServerSettings(headerTimeoutMs: 10_000, bodyTimeoutMs: 30_000, idleTimeoutMs: 60_000, maxConnections: 4096)
    static let keys = ["header_timeout_ms", "body_timeout_ms", "idle_timeout_ms", "max_connections"]

    init(headerTimeoutMs: Int, bodyTimeoutMs: Int, idleTimeoutMs: Int, maxConnections: Int) {
        self.headerTimeoutMs = headerTimeoutMs
        self.bodyTimeoutMs = bodyTimeoutMs
        self.idleTimeoutMs = idleTimeoutMs
        self.maxConnections = maxConnections
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        headerTimeoutMs = try mapping.optional("header_timeout_ms")?.int(in: 100...300_000) ?? Self.default.headerTimeoutMs
        bodyTimeoutMs = try mapping.optional("body_timeout_ms")?.int(in: 100...600_000) ?? Self.default.bodyTimeoutMs
        idleTimeoutMs = try mapping.optional("idle_timeout_ms")?.int(in: 100...3_600_000) ?? Self.default.idleTimeoutMs
        maxConnections = try mapping.optional("max_connections")?.int(in: 1...1_000_000) ?? Self.default.maxConnections
    }
}
