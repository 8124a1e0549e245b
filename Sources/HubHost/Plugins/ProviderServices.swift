import ProviderABI

/// What the host does for a provider when it calls back: read a secret, send a request.
/// The guards live behind this seam (vault scope, allowlist, address policy), so the C callbacks
/// stay thin and a provider can never reach a service the host did not wrap.
protocol ProviderServices: Sendable {
    /// A secret within the provider's vault scope. Blocking.
    func secret(_ name: String) throws(ServiceFailure) -> String
    /// An outbound request through egress. Blocking; never longer than `deadline`.
    func send(
        _ request: OutboundRequest, deadline: ContinuousClock.Instant?, isCancelled: @escaping @Sendable () -> Bool
    ) throws(ServiceFailure) -> OutboundResponse
    /// Every secret value the provider could have seen (its scope's cached values): scrubbed
    /// from whatever it returns, even a value it kept from an earlier call.
    func secretsToScrub() -> [String]
    /// The provider's durable key-value store (ABI 1.1): returns the value for `.get`, the JSON
    /// array of entries for `.list`, nil for `.put` and `.delete`. Blocking.
    func store(_ operation: ProviderStoreOperation) throws(ServiceFailure) -> [UInt8]?
}

/// What a provider asks of its key-value store.
enum ProviderStoreOperation: Sendable, Equatable {
    case get(key: String)
    case put(key: String, valueJSON: [UInt8])
    case delete(key: String)
    case list(prefix: String)
}

extension ProviderServices {
    /// No store behind this provider. The ABI declares the store (1.1) so providers can be built
    /// against it now; the hub keeps provider data from Step 10 on. Until then every operation
    /// answers HUB_E_UNAVAILABLE with these words, never a silent success.
    func store(_ operation: ProviderStoreOperation) throws(ServiceFailure) -> [UInt8]? {
        throw ServiceFailure(status: HUB_E_UNAVAILABLE, message: "this hub does not keep provider data yet (ABI 1.1 kv_*)")
    }
}

struct OutboundRequest: Sendable {
    var method: String
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var timeout: Duration?
}

struct OutboundResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Every host the request reached, redirects included: the audit event's `hostname`.
    var hostsContacted: [String]
}

/// A refusal or failure reported to the provider as an ABI status and words safe to show.
struct ServiceFailure: Error, Sendable {
    var status: hub_status
    var message: String
    /// Hosts reached before the failure (a redirect refused after the first hop, say).
    var hostsContacted: [String] = []
}
