import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HubHost

/// Faults 3 and 9, through the vendor fakes over TLS: every provider maps an upstream's status
/// the same way (`ProviderError.upstreamStatus`): 429 is the vendor's limit with its Retry-After,
/// 503 keeps its Retry-After, 401/403 name the vault secret to check.
@Suite struct UpstreamStatusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var provider: String
        var tool: String
        var input: String = "{}"
        var host: String
        var pathPrefix: String
        var secret: String
        var testDescription: String { "\(provider).\(tool)" }
    }

    static let cases = [
        Case(provider: "socket", tool: "findings.list", host: "api.socket.dev", pathPrefix: "/v0/orgs/acme/alerts",
             secret: "socket_api_key"),
        Case(provider: "sentry", tool: "issues.list", host: "sentry.io", pathPrefix: "/api/0/organizations/acme/issues/",
             secret: "sentry_auth_token"),
        Case(provider: "netdata", tool: "alerts.list", host: "app.netdata.cloud", pathPrefix: "/api/v2/spaces/",
             secret: "netdata_token"),
    ]

    static func headers(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        fields[.contentType] = "application/json"
        return fields
    }

    @Test(arguments: cases)
    func anUpstream429IsTheVendorsLimitWithItsRetryAfter(_ item: Case) async throws {
        let stack = try ProviderStack()
        try stack.fake.inject(.init(host: item.host, pathPrefix: item.pathPrefix, status: 429, retryAfter: 42))
        let token = try await stack.hub.token(.opsViewer)
        let response = try await stack.test { client in
            try await client.execute(uri: "/providers/\(item.provider)/\(item.tool)", method: .post,
                                     headers: Self.headers(token), body: .init(string: item.input))
        }
        let reply = try HubReply(response)
        #expect(reply.status == .tooManyRequests, "\(reply.text)")
        #expect(response.headers[.retryAfter] == "42")
        #expect(reply.error?.code == "rate_limited")
        #expect(reply.error?.message.contains("\(item.provider)'s vendor) is rate limiting the hub") == true, "\(reply.text)")
        let event = try #require(try await stack.hub.events().first)
        #expect(event.status == .rateLimited && event.stage == "invoke" && event.hostname == item.host)
    }

    @Test(arguments: cases)
    func anUpstream503KeepsItsRetryAfter(_ item: Case) async throws {
        let stack = try ProviderStack()
        try stack.fake.inject(.init(host: item.host, pathPrefix: item.pathPrefix, status: 503, retryAfter: 17))
        let token = try await stack.hub.token(.opsViewer)
        let response = try await stack.test { client in
            try await client.execute(uri: "/providers/\(item.provider)/\(item.tool)", method: .post,
                                     headers: Self.headers(token), body: .init(string: item.input))
        }
        #expect(response.status == .serviceUnavailable, "\(String(buffer: response.body))")
        #expect(response.headers[.retryAfter] == "17")
    }

    @Test(arguments: cases)
    func aRejectedCredentialNamesTheVaultSecret(_ item: Case) async throws {
        let stack = try ProviderStack()
        try stack.fake.inject(.init(host: item.host, pathPrefix: item.pathPrefix, status: 401))
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in try await client.call(item.provider, item.tool, item.input, token: token) }
        #expect(reply.status == .badGateway, "\(reply.text)")
        #expect(reply.error?.message.contains("check vault secret '\(item.secret)'") == true, "\(reply.text)")
        let event = try #require(try await stack.hub.events().first)
        #expect(event.error?.contains("'\(item.secret)'") == true)
    }
}

/// The same host mapping with the plain-C fixture (ABI 1.1 `set_retry_after`), and a timeout
/// after contacting the upstream keeps the hostname (fault 9).
@Suite struct HostStatusMappingTests {
    @Test func theCFixturesThrottleAndRejectedAreMappedByTheHost() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.cFixture(library: try CFixtures.library(.working))
                + "\n      - { name: throttle, min_role: ops_viewer }\n      - { name: rejected, min_role: ops_viewer }",
            secrets: ["cfixture_token": "cfx-token-value"])
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let throttled = try await client.execute(
                uri: "/providers/cfixture/throttle", method: .post, headers: UpstreamStatusTests.headers(token), body: .init(string: "{}"))
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "42")
            let message = try JSONValue.parse(String(buffer: throttled.body))["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("vendor") && message.contains("retry in 42 s"), "\(message)")

            let rejected = try await client.execute(
                uri: "/providers/cfixture/rejected", method: .post, headers: UpstreamStatusTests.headers(token), body: .init(string: "{}"))
            #expect(rejected.status == .badGateway)
            let words = try JSONValue.parse(String(buffer: rejected.body))["error"]?["message"]?.stringValue ?? ""
            #expect(words.contains("check vault secret 'cfixture_token'") && !words.contains("cfx-token-value"), "\(words)")
        }
    }

    @Test func aTimeoutAfterContactingTheUpstreamKeepsTheHostname() async throws {
        let stack = try ProviderStack(timeoutMs: 1000)
        try stack.fake.inject(.init(host: "api.socket.dev", pathPrefix: "/v0/orgs/acme/alerts", status: nil, delayMs: 5000))
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in try await client.call("socket", "findings.list", token: token) }
        #expect(reply.status == .gatewayTimeout)
        let event = try #require(try await stack.hub.events().first)
        #expect(event.status == .timeout && event.hostname == "api.socket.dev")
    }
}
