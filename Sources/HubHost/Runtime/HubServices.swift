import Foundation
import ProviderABI

/// The shared services behind every provider's callbacks: the secret cache and the egress
/// settings. Each provider gets its own view, narrowed to its config (vault scope, allowlist).
final class HubServices: Sendable {
    let secrets: SecretCache?
    let egress: EgressSettings

    init(secrets: SecretCache?, egress: EgressSettings) {
        self.secrets = secrets
        self.egress = egress
    }

    func forProvider(_ config: ProviderConfig) -> any ProviderServices {
        let policy = EgressPolicy(
            allowedHosts: config.allowedHosts.compactMap { try? HostPattern($0) },
            allowCIDRs: egress.allowCIDRs.compactMap { try? CIDR($0) },
            connectTo: egress.connectTo,
            caFile: egress.caFile,
            maxResponseBytes: egress.maxResponseBytes,
            maxRedirects: egress.maxRedirects)
        return ProviderHostServices(
            provider: config.name, scope: SecretScope(exactName: config.vaultKey, prefix: config.vaultPrefix),
            secrets: secrets, egress: EgressClient(policy: policy))
    }
}

/// One provider's services: its vault scope and its egress client (own connection pool).
struct ProviderHostServices: ProviderServices {
    let provider: String
    let scope: SecretScope
    let secrets: SecretCache?
    let egress: EgressClient

    func secret(_ name: String) throws(ServiceFailure) -> String {
        guard scope.permits(name) else {
            HostTable.logger.warning("secret outside scope refused", metadata: ["provider": .string(provider), "secret": .string(name)])
            throw ServiceFailure(status: HUB_E_DENIED, message: "secret '\(name)' is outside \(provider)'s vault scope")
        }
        guard let secrets else { throw ServiceFailure(status: HUB_E_UNAVAILABLE, message: "no vault is configured") }
        do {
            return try secrets.value(name)
        } catch {
            switch error {
            // A secret the config names but nobody stored is a misconfiguration, not a missing
            // upstream object: 503 with what to run, never 404.
            case .notFound:
                throw ServiceFailure(
                    status: HUB_E_UNAVAILABLE,
                    message: "secret '\(name)' is not in the vault; an admin must run: mcp-hub secrets set \(name)")
            case .denied: throw ServiceFailure(status: HUB_E_DENIED, message: "secret '\(name)' is denied")
            default: throw ServiceFailure(status: HUB_E_UNAVAILABLE, message: "the vault is unavailable")
            }
        }
    }

    func send(
        _ request: OutboundRequest, deadline: ContinuousClock.Instant?, isCancelled: @escaping @Sendable () -> Bool
    ) throws(ServiceFailure) -> OutboundResponse {
        let egressRequest = EgressRequest(method: request.method, url: request.url, headers: request.headers, body: request.body)
        var reached: [String] = []
        do {
            let response = try egress.send(
                egressRequest, deadline: deadline ?? .now + .seconds(30), isCancelled: isCancelled, hostsContacted: &reached)
            return OutboundResponse(
                status: response.status, headers: response.headers, body: response.body,
                hostsContacted: response.hostsContacted)
        } catch {
            throw ServiceFailure(status: Self.status(of: error), message: Self.message(of: error), hostsContacted: reached)
        }
    }

    static func status(of error: EgressError) -> hub_status {
        switch error {
        case .refused: HUB_E_DENIED
        case .timeout: HUB_E_TIMEOUT
        case .responseTooLarge, .transport: HUB_E_UPSTREAM
        }
    }

    static func message(of error: EgressError) -> String {
        switch error {
        case .refused(let why): "request refused: \(why)"
        case .timeout: "the upstream did not answer in time"
        case .responseTooLarge(let limit): "the upstream's answer exceeded \(limit) bytes"
        case .transport(let why): "transport failure: \(why)"
        }
    }

    func secretsToScrub() -> [String] {
        secrets?.cachedValues(permittedBy: scope) ?? []
    }
}
