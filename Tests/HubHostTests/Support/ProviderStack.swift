import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import HubHost

/// The three real providers behind a whole hub, their vendors played by one TLS fake
/// (`Tests/Fakes/vendor_routes.py`). The hub reaches the fake through the vendors' real
/// hostnames with `hub.egress.connect_to`, and verifies its certificate against the test CA,
/// so every request takes the production path: vault → provider → egress policy → libcurl → TLS.
final class ProviderStack: @unchecked Sendable {
    // @unchecked: both fields are set once in init; TLSFake and TestHub are themselves Sendable.

    /// Every name a provider calls, routed to the fake. The ingest host is the one in `dsn`.
    static let upstreamHosts = ["api.socket.dev", "sentry.io", "o123.ingest.us.sentry.io", "app.netdata.cloud"]

    /// What the fake's `VendorState` expects unless a test tells it otherwise.
    static let socketKey = "sktsec_test_token"
    static let sentryToken = "sntrys_test_token"
    static let sentryPublicKey = "0123456789abcdef0123456789abcdef"
    static let dsn = "https://\(sentryPublicKey)@o123.ingest.us.sentry.io/4505"
    static let netdataToken = "ndc_test_token"
    static let netdataSpace = "6f1b3f2e-0000-4000-8000-000000000001"
    static let netdataRoom = "6f1b3f2e-0000-4000-8000-000000000002"

    static let defaultSecrets = [
        "socket_api_key": socketKey, "sentry_auth_token": sentryToken, "sentry_dsn": dsn, "netdata_token": netdataToken,
    ]

    let fake: TLSFake
    let hub: TestHub

    /// `timeoutMs` applies to every tool; `secrets` replaces entries of `defaultSecrets`.
    /// `hubExtra` is added to the `hub:` block (indented by two spaces), after `egress`;
    /// `extraProviders` to the providers.
    init(timeoutMs: Int = 3000, secrets overrides: [String: String] = [:], hubExtra: String = "", extraProviders: String = "") throws {
        let fake = try TLSFake()
        self.fake = fake
        let certificates = try TestCertificates.shared()
        let routes = Self.upstreamHosts.map { "      - \($0):443:127.0.0.1:\(fake.port)" }.joined(separator: "\n")
        let egress = """
              egress:
                ca_file: \(certificates.caFile)
                connect_to:
            \(routes)
            \(hubExtra)
            """
        hub = try TestHub(
            providers: [
                ProviderYAML.socket(timeoutMs: timeoutMs), ProviderYAML.sentry(timeoutMs: timeoutMs),
                ProviderYAML.netdata(space: Self.netdataSpace, room: Self.netdataRoom, timeoutMs: timeoutMs),
                extraProviders,
            ].joined(separator: "\n"),
            hubExtra: egress,
            secrets: Self.defaultSecrets.merging(overrides) { $1 })
    }

    /// Runs `body` with a client of this hub's HTTP interface.
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await hub.application.test(.router) { client in try await body(client) }
    }
}

/// One HTTP exchange with the hub, read as JSON.
struct HubReply: Sendable {
    var status: HTTPResponse.Status
    var text: String
    var eventId: String?

    var json: JSONValue {
        get throws { try JSONValue.parse(text) }
    }

    /// The contract's error object: `{"error":{"code","message","request_id"}}`.
    var error: (code: String, message: String)? {
        guard let error = (try? json)?["error"], let code = error["code"]?.stringValue,
            let message = error["message"]?.stringValue
        else { return nil }
        return (code, message)
    }
}

extension TestClientProtocol {
    /// `POST /providers/{provider}/{tool}` with `input` as the body.
    func call(_ provider: String, _ tool: String, _ input: String = "{}", token: String) async throws -> HubReply {
        try HubReply(
            try await execute(
                uri: "/providers/\(provider)/\(tool)", method: .post, headers: Self.bearer(token),
                body: ByteBuffer(string: input)))
    }

    /// `GET /providers/{provider}/health`.
    func health(_ provider: String, token: String) async throws -> HubReply {
        try HubReply(try await execute(uri: "/providers/\(provider)/health", method: .get, headers: Self.bearer(token)))
    }

    private static func bearer(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        fields[.contentType] = "application/json"
        return fields
    }
}

extension HubReply {
    init(_ response: TestResponse) throws {
        status = response.status
        text = String(buffer: response.body)
        eventId = response.headers[HTTPField.Name("X-Run-Event-Id")!]
    }
}

extension ProviderYAML {
    static func socket(timeoutMs: Int = 3000) -> String {
        """
          socket:
            library: \(RepositoryPaths.providerLibrary("Socket"))
            vault_key: socket_api_key
            allowed_hosts: [api.socket.dev]
            tools:
              - { name: scan.repo, min_role: ops_operator, timeout_ms: \(timeoutMs) }
              - { name: findings.list, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
              - { name: health, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
            settings: { org_slug: acme }
        """
    }

    static func sentry(timeoutMs: Int = 3000) -> String {
        """
          sentry:
            library: \(RepositoryPaths.providerLibrary("Sentry"))
            vault_prefix: sentry_
            allowed_hosts: [sentry.io, "*.ingest.sentry.io", "*.ingest.us.sentry.io"]
            tools:
              - { name: issues.list, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
              - { name: capture.error, min_role: ops_operator, timeout_ms: \(timeoutMs) }
              - { name: health, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
            settings: { org_slug: acme }
        """
    }

    static func netdata(space: String, room: String, timeoutMs: Int = 3000) -> String {
        """
          netdata:
            library: \(RepositoryPaths.providerLibrary("Netdata"))
            vault_key: netdata_token
            allowed_hosts: [app.netdata.cloud]
            tools:
              - { name: metrics.query, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
              - { name: alerts.list, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
              - { name: health, min_role: ops_viewer, timeout_ms: \(timeoutMs) }
            settings: { space_id: "\(space)", room_id: "\(room)" }
        """
    }
}
