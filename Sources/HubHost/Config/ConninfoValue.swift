/// Reads a `conninfo:` value, refusing one that carries a password.
enum ConninfoValue {
    static func read(_ node: ConfigNode) throws(ConfigError) -> String {
        let conninfo = try node.string()
        if let refusal = ConninfoSecretCheck.refusal(for: conninfo) { throw node.error(refusal) }
        return conninfo
    }
}
