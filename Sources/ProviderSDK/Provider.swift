@_exported import ProviderABI

/// What a provider author implements. One instance serves every call, possibly from several
/// threads at once, so it must be `Sendable` (immutable state, or state behind a lock).
///
/// ```swift
/// final class EchoProvider: Provider {
///     static let name = "echo"
///     static let version = "1.0.0"
///     init(settings: ProviderSettings) throws {}
///     var tools: [Tool] {
///         [Tool("echo", category: .reads, description: "Returns its input", inputSchema: #"{"type":"object"}"#) {
///             (input: [String: String], call: Call) in input
///         }]
///     }
/// }
/// @_cdecl("hub_provider_init")
/// public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
///     ProviderExport.initialize(EchoProvider.self, host, load, settings, out)
/// }
/// ```
public protocol Provider: AnyObject, Sendable {
    /// Must equal the provider's key in `provider-config.yaml`.
    static var name: String { get }
    static var version: String { get }
    /// Secret names the provider will ask `Call.getVaultSecret` for. The hub checks them against
    /// the vault scope the config grants, at load time.
    static var secrets: [String] { get }
    /// Hostnames the provider will call. The hub refuses to load it unless every one is within the
    /// config's `allowed_hosts`.
    static var hosts: [String] { get }

    /// Called once at load. `settings` is the provider's `settings:` block from the config.
    /// Throw `ProviderError` to refuse loading; secrets are not readable here.
    init(settings: ProviderSettings) throws

    /// The tools, built once at load.
    var tools: [Tool] { get }

    /// The provider's own view of its upstream. Keep it under 5 s: agents use it to degrade
    /// gracefully. The default says "ok" because a loaded provider with no upstream is healthy.
    func health(_ call: Call) throws -> HealthStatus
}

extension Provider {
    public static var secrets: [String] { [] }
    public static var hosts: [String] { [] }
    public func health(_ call: Call) throws -> HealthStatus { HealthStatus(status: .ok) }
}

/// The rate-limit class of a tool: the config sets per-role limits per category.
public enum ToolCategory: String, Sendable {
    case reads, scans, writes
}

/// A provider's health, as `GET /providers/{provider}/health` reports it.
public struct HealthStatus: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case ok, degraded, down }

    public var status: Status
    /// Why it is degraded or down, in words safe to show a caller (never a secret).
    public var error: String?

    public init(status: Status, error: String? = nil) {
        self.status = status
        self.error = error
    }
}
