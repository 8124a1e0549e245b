extension OpsRole {
    /// Reads a role name, listing the valid ones when it is not one.
    init(configValue node: ConfigNode) throws(ConfigError) {
        let text = try node.string()
        guard let role = OpsRole(rawValue: text) else {
            throw node.error("unknown role '\(text)' (expected \(OpsRole.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = role
    }
}
