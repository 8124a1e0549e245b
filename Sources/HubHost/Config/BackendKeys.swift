/// Refuses keys that belong to a different backend than the one chosen, e.g. a `conninfo`
/// under `backend: file`: such a key would be silently ignored, which usually hides a typo.
enum BackendKeys {
    static func refuse(_ keys: [String], in mapping: ConfigMapping, backend: String) throws(ConfigError) {
        for key in keys {
            if let entry = mapping.entry(key) {
                throw entry.keyError("'\(key)' does not apply to backend \(backend)")
            }
        }
    }
}
