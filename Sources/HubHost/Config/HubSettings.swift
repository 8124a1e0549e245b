/// The `hub:` block: everything about the hub itself rather than one provider. Every key is
/// optional; an absent block means all defaults.
struct HubSettings: Sendable {
    /// `listen`: `HOST:PORT` for the HTTP server. Default `127.0.0.1:8080`.
    var listen: ListenAddress
    /// `state_dir`: where the hub keeps its local state (vault store, SQLite audit, spool).
    /// Default `.mcp-hub` next to the config file; always absolute here.
    var stateDirectory: String
    var invokePool: InvokePoolSettings
    /// Nil when the config has no `auth:` block.
    var auth: AuthSettings?
    var vault: VaultSettings
    var audit: AuditSettings
    var egress: EgressSettings
    var mcp: MCPSettings
    var health: HealthSettings
    var http: HTTPServerSettings

    static let keys = ["listen", "state_dir", "invoke_pool", "auth", "vault", "audit", "egress", "mcp", "health", "http"]

    /// Every default, for a config without a `hub:` block.
    init(configDirectory: String) {
        stateDirectory = ConfigPath.absolute(".mcp-hub", relativeTo: configDirectory)
        listen = .default
        invokePool = .default
        auth = nil
        vault = .defaultSettings(stateDirectory: stateDirectory)
        audit = .defaultSettings(stateDirectory: stateDirectory)
        egress = .default
        mcp = .default
        health = .default
        http = .default
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        // Read state_dir first: the vault and audit defaults live inside it.
        stateDirectory = try mapping.optional("state_dir")?.path() ?? ConfigPath.absolute(".mcp-hub", relativeTo: node.context.directory)
        listen = try mapping.optional("listen")?.parsed(as: ListenAddress.syntaxHelp, ListenAddress.init(parsing:)) ?? .default
        invokePool = try mapping.optional("invoke_pool").map { (node) throws(ConfigError) in try InvokePoolSettings(from: node) } ?? .default
        auth = try mapping.optional("auth").map { (node) throws(ConfigError) in try AuthSettings(from: node) }
        // A local copy: the closures below may not capture `self` before every property is set.
        let stateDirectory = stateDirectory
        vault = try mapping.optional("vault").map { (node) throws(ConfigError) in try VaultSettings(from: node, stateDirectory: stateDirectory) }
            ?? .defaultSettings(stateDirectory: stateDirectory)
        audit = try mapping.optional("audit").map { (node) throws(ConfigError) in try AuditSettings(from: node, stateDirectory: stateDirectory) }
            ?? .defaultSettings(stateDirectory: stateDirectory)
        egress = try mapping.optional("egress").map { (node) throws(ConfigError) in try EgressSettings(from: node) } ?? .default
        mcp = try mapping.optional("mcp").map { (node) throws(ConfigError) in try MCPSettings(from: node) } ?? .default
        health = try mapping.optional("health").map { (node) throws(ConfigError) in try HealthSettings(from: node) } ?? .default
        http = try mapping.optional("http").map { (node) throws(ConfigError) in try HTTPServerSettings(from: node) } ?? .default
    }
}
