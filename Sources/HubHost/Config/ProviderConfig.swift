#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry under `providers:`: which library to load and the policy the host enforces on it.
struct ProviderConfig: Sendable {
    /// The key under `providers:`; matches `[a-z][a-z0-9_-]*` and names the provider in URLs.
    var name: String
    /// Where the provider's key stands.
    var mark: SourceMark
    /// `enabled`: whether the hub loads the provider. Default true.
    var enabled: Bool
    /// `library`: the provider's shared library, made absolute against the config's directory.
    /// Required when enabled, and then the file must exist.
    var library: String?
    var libraryMark: SourceMark?
    /// `sha256`: an optional pin of the library's contents, 64 lowercase hex digits (an optional
    /// `sha256:` prefix is accepted in the file and dropped here).
    var sha256: String?
    /// `vault_key`: the one secret the provider may read.
    var vaultKey: String?
    /// `vault_prefix`: grants every secret whose name starts with this prefix, e.g. `sentry_`.
    var vaultPrefix: String?
    /// `allowed_hosts`: the hosts the provider may call, exact (`api.socket.dev`) or `*.domain`.
    var allowedHosts: [String]
    /// `rate_limits`: per role, `unlimited` or a rate per category (`reads: 100/hour`).
    var rateLimits: [OpsRole: RoleRateLimit]
    /// `tools`: per-tool policy (min role, timeout); names are unique.
    var tools: [ToolPolicy]
    /// `settings`: passed to the provider at init as compact JSON with sorted keys. Default `{}`.
    var settingsJSON: String
    /// `max_concurrency`: calls this provider may have in the invocation pool at once (its
    /// bulkhead); nil means `hub.invoke_pool.per_provider`.
    var maxConcurrency: Int?

    static let keys = [
        "enabled", "library", "sha256", "vault_key", "vault_prefix", "allowed_hosts", "rate_limits", "tools", "settings",
        "max_concurrency",
    ]

    init(from entry: ConfigEntry) throws(ConfigError) {
        guard entry.key.wholeMatch(of: /[a-z][a-z0-9_-]*/) != nil else {
            throw entry.keyError("'\(entry.key)' is not a provider name (expected [a-z][a-z0-9_-]*)")
        }
        name = entry.key
        mark = entry.keyMark
        let mapping = try entry.value.mapping(allowedKeys: Self.keys)
        enabled = try mapping.optional("enabled")?.bool() ?? true

        let libraryNode: ConfigNode?
        if enabled {
            libraryNode = try mapping.required("library")
        } else {
            libraryNode = mapping.optional("library")
        }
        library = try libraryNode?.path()
        libraryMark = libraryNode?.mark
        if enabled, let library, let libraryNode, !Self.isRegularFile(library) {
            throw libraryNode.error("library file not found: \(library)")
        }

        sha256 = try mapping.optional("sha256")?.parsed(as: "a SHA-256 digest (expected 64 hex digits, optionally prefixed sha256:)", Self.digest)
        vaultKey = try mapping.optional("vault_key")?.parsed(as: "a secret name (^[a-z][a-z0-9_]{0,127}$)") { SecretName.isValid($0) ? $0 : nil }
        vaultPrefix = try mapping.optional("vault_prefix")?.parsed(as: "a secret name (^[a-z][a-z0-9_]{0,127}$)") { SecretName.isValid($0) ? $0 : nil }
        allowedHosts = try mapping.optional("allowed_hosts")?.list().map { (node) throws(ConfigError) in
            try node.parsed(as: HostPattern.syntaxHelp) { HostPattern.isValid($0) ? $0 : nil }
        } ?? []
        rateLimits = try mapping.optional("rate_limits").map { (node) throws(ConfigError) in try RateLimitsDecoding.decode(node) } ?? [:]
        tools = try mapping.optional("tools").map { (node) throws(ConfigError) in try Self.tools(node) } ?? []
        settingsJSON = try mapping.optional("settings").map { (node) throws(ConfigError) in try SettingsJSON.encode(node) } ?? "{}"
        maxConcurrency = try mapping.optional("max_concurrency")?.int(in: 1...65536)
    }

    private static func tools(_ node: ConfigNode) throws(ConfigError) -> [ToolPolicy] {
        var tools: [ToolPolicy] = []
        for item in try node.list() {
            let tool = try ToolPolicy(from: item)
            if let first = tools.first(where: { $0.name == tool.name }) {
                let nameNode = try item.mapping(allowedKeys: ToolPolicy.keys).required("name")
                throw nameNode.error("duplicate tool name '\(tool.name)' (first at line \(first.mark.line), column \(first.mark.column))")
            }
            tools.append(tool)
        }
        // A successor must be a tool this provider serves, or callers are sent nowhere.
        for (item, tool) in zip(try node.list(), tools) {
            if let successor = tool.deprecation?.successor, !tools.contains(where: { $0.name == successor }) {
                let entry = try item.mapping(allowedKeys: ToolPolicy.keys).required("successor")
                throw entry.error("successor '\(successor)' is not in this provider's tools list")
            }
        }
        return tools
    }

    private static func digest(_ text: String) -> String? {
        let hex = (text.hasPrefix("sha256:") ? text.dropFirst("sha256:".count) : text[...]).lowercased()
        guard hex.utf8.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }

    private static func isRegularFile(_ path: String) -> Bool {
        // stat, not lstat: a library is commonly reached through a versioned symlink.
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }
}
