/// The host-side policy for one provider tool, from the provider's `tools:` list.
struct ToolPolicy: Sendable, Equatable {
    /// `name`: the tool's name as the provider's manifest declares it, e.g. `scan.repo`.
    var name: String
    /// `min_role`: the least role allowed to call the tool. Defaults to `ops_admin`, so a tool
    /// someone forgot to classify is closed rather than open.
    var minRole: OpsRole
    /// `timeout_ms`: the call's deadline, 1...300000 ms, default 10000.
    var timeoutMs: Int
    /// Where the tool's entry starts in the config.
    var mark: SourceMark
    /// `deprecated` / `sunset` / `successor`: the admin is retiring the tool.
    var deprecation: ToolDeprecation? = nil

    static let keys = ["name", "min_role", "timeout_ms", "deprecated", "sunset", "successor"]
    static let defaultMinRole = OpsRole.opsAdmin
    static let defaultTimeoutMs = 10_000
    static let timeoutRange = 1...300_000

    init(name: String, minRole: OpsRole, timeoutMs: Int, mark: SourceMark) {
        self.name = name
        self.minRole = minRole
        self.timeoutMs = timeoutMs
        self.mark = mark
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        name = try mapping.required("name").parsed(as: "a tool name (letters, digits, '.', '_' and '-')", Self.validName)
        minRole = try mapping.optional("min_role").map { (node) throws(ConfigError) in try OpsRole(configValue: node) } ?? Self.defaultMinRole
        timeoutMs = try mapping.optional("timeout_ms")?.int(in: Self.timeoutRange) ?? Self.defaultTimeoutMs
        mark = node.mark
        deprecation = try Self.deprecation(mapping, node: node)
    }

    private static func deprecation(_ mapping: ConfigMapping, node: ConfigNode) throws(ConfigError) -> ToolDeprecation? {
        let day = "a day (YYYY-MM-DD)"
        let since = try mapping.optional("deprecated")?.parsed(as: day, ToolDeprecation.parseDay)
        let sunset = try mapping.optional("sunset")?.parsed(as: day, ToolDeprecation.parseDay)
        let successor = try mapping.optional("successor")?.parsed(as: "a tool name", validName)
        guard let since else {
            if sunset != nil || successor != nil {
                throw node.error("sunset and successor describe a deprecation: set deprecated (the day) as well")
            }
            return nil
        }
        if let sunset, sunset < since, let node = mapping.optional("sunset") {
            throw node.error("sunset is before the day the tool was deprecated")
        }
        return ToolDeprecation(since: since, sunset: sunset, successor: successor)
    }

    fileprivate static func validName(_ text: String) -> String? {
        let allowed = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
        return !text.isEmpty && allowed ? text : nil
    }
}
