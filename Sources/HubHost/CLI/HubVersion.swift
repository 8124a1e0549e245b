/// What `mcp-hub --version` prints. Bumped with each step of the plan; the ABI version a build
/// speaks is in `hub_provider.h`.
public enum HubVersion {
    public static let current = "0.7.0 (provider ABI 1.1)"
}
