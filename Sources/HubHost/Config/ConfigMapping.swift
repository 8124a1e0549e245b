/// A mapping whose keys have been checked against the allowed set; looks values up by key.
struct ConfigMapping: Sendable {
    /// The mapping node itself: a missing required key is reported here.
    let node: ConfigNode
    let entries: [ConfigEntry]

    /// The value under `key`, or nil when the key is absent. An explicit null (`key:` with
    /// nothing after it) also reads as absent, meaning "use the default".
    func optional(_ key: String) -> ConfigNode? {
        guard let value = entry(key)?.value, !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let entry = entry(key) else { throw node.error("missing required key '\(key)'") }
        guard !entry.value.isNull else { throw entry.value.error("'\(key)' needs a value") }
        return entry.value
    }

    func entry(_ key: String) -> ConfigEntry? {
        entries.first { $0.key == key }
    }
}
