/// A whole `provider-config.yaml`, validated: if you hold one, every path is absolute, every
/// enabled library exists, and every value is in range.
struct HubConfig: Sendable {
    /// The config path as given.
    var path: String
    /// The absolute directory of the config file; relative paths in it resolve against this.
    var directory: String
    var hub: HubSettings
    /// In file order, which is also the order providers load in.
    var providers: [ProviderConfig]
    /// The `hub:` block as written (`RestartKeys`): what a reload compares to name the keys that
    /// need a restart.
    var hubLeaves: [String: String]

    static let keys = ["hub", "providers"]

    func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }

    init(from root: ConfigNode) throws(ConfigError) {
        let mapping = try root.mapping(allowedKeys: Self.keys)
        path = root.context.file
        directory = root.context.directory
        hubLeaves = RestartKeys.leaves(of: mapping.optional("hub")?.yaml, prefix: "hub")
        hub = try mapping.optional("hub").map { (node) throws(ConfigError) in try HubSettings(from: node) }
            ?? HubSettings(configDirectory: root.context.directory)
        providers = try mapping.required("providers").keyedEntries().map { (entry) throws(ConfigError) in try ProviderConfig(from: entry) }
    }
}
