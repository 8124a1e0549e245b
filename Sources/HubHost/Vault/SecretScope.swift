/// Which vault names one provider may read, from its config: `vault_key` (one exact name) and/or
/// `vault_prefix` (every name starting with it, e.g. `sentry_`). Anything else is denied, and the
/// host turns the denial into `HUB_E_DENIED` and an audit record.
struct SecretScope: Sendable, Equatable {
    var exactName: String?
    var prefix: String?

    init(exactName: String? = nil, prefix: String? = nil) {
        self.exactName = exactName
        self.prefix = prefix
    }

    /// An empty prefix grants nothing: it would otherwise grant the whole vault, which is never
    /// what a config line means.
    func permits(_ name: String) -> Bool {
        if let exactName, name == exactName { return true }
        if let prefix, !prefix.isEmpty, name.hasPrefix(prefix) { return true }
        return false
    }
}
