/// The hub's own version, as `serverInfo` and `--version` report it.
enum HubVersion {
    static let current = "0.6.0"
}
