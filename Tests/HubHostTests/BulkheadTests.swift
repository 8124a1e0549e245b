import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// One hung vendor must not starve the others: each provider holds at most its share of the
/// invocation pool, and its excess is refused at once (503 + Retry-After), audited.
@Suite struct BulkheadTests {
    /// Pool of 4 threads, so the default share is 2. Six calls to a provider stuck in native code
    /// (a stubborn nap ignores its cancel flag) would, without shares, hold all four threads and
    /// queue the rest, and `template.echo` would wait behind them until its own timeout.
    @Test func aStuckProviderGetsItsShareAndTheOthersStillAnswer() async throws {
        let hub = try HubHTTPTests.hub(pool: (4, 16))
        let token = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            let stuck = Task {
                try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?, String).self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            let response = try await client.execute(
                                uri: "/providers/cfixture/nap", method: .post, headers: HubHTTPTests.headers(token),
                                body: ByteBuffer(string: #"{"ms": 15000, "stubborn": true}"#))
                            return (response.status, response.headers[.retryAfter], String(buffer: response.body))
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            try await eventually { hub.runtime.bulkhead.inUse(by: "cfixture") == 2 }
            let echo = try await client.execute(
                uri: "/providers/template/echo", method: .post, headers: HubHTTPTests.headers(token),
                body: ByteBuffer(string: #"{"message":"still here"}"#))
            #expect(echo.status == .ok, "\(String(buffer: echo.body))")

            let replies = try await stuck.value
            let refused = replies.filter { $0.0 == .serviceUnavailable }
            #expect(refused.count == 4, "\(replies)")
            #expect(replies.filter { $0.0 == .gatewayTimeout }.count == 2)
            for reply in refused {
                #expect(reply.1 == "1")
                let error = try JSONValue.parse(reply.2)["error"]
                #expect(error?["code"] == "unavailable")
                #expect(error?["message"]?.stringValue?.contains("cfixture already has 2 calls in progress") == true)
            }
            #expect(hub.runtime.bulkhead.inUse(by: "template") == 0)
        }
        let refusals = try await hub.events().filter { $0.tool == "nap" && $0.status == .error && $0.stage == "invoke" }
        #expect(refusals.count == 4, "every refusal is audited")
    }

    @Test func aProvidersMaxConcurrencyOverridesTheDefaultShare() throws {
        let config = try TestHub(
            providers: ProviderYAML.template() + "\n    max_concurrency: 7", pool: (4, 16)
        ).config
        #expect(config.hub.invokePool.perProvider == 2)
        #expect(config.provider(named: "template")?.maxConcurrency == 7)
    }
}

/// Fault 15: listing asks the same rule as calling.
@Suite struct ListingMatchesCallingTests {
    @Test func aToolWithNoBudgetForTheRoleIsNotListed() async throws {
        let limits = """
                rate_limits:
                  ops_viewer: { scans: 5/hour }
                  ops_admin: unlimited
            """
        let hub = try HubHTTPTests.hub(rateLimits: limits)
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let listing = try await client.execute(uri: "/providers", method: .get, headers: HubHTTPTests.headers(viewer))
            let providers = try HubHTTPTests.body(listing)["providers"]?.arrayValue ?? []
            #expect(!providers.contains { $0["name"] == "cfixture" }, "no reads budget for ops_viewer: nothing to list")
            #expect(providers.contains { $0["name"] == "template" })
            let call = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: HubHTTPTests.headers(viewer),
                body: ByteBuffer(string: #"{"a":1,"b":2}"#))
            #expect(call.status == .forbidden, "and calling agrees")
        }
    }
}
