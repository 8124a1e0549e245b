/// The hub's version: what `mcp-hub --version` prints and MCP's `serverInfo` says. Bumped with
/// each step of the plan; the ABI version a build speaks is in `hub_provider.h`.
public enum HubVersion {
    public static let current = "0.7.0"
    /// With the provider ABI it speaks, for `--version`.
    public static let described = "\(current) (provider ABI 1.1)"
}
