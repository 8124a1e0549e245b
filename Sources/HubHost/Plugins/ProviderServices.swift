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
