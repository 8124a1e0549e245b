import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// The HTTP contract end to end: a real config, real provider libraries, real tokens, the real
/// audit store. Only the network hop is the test client's.
@Suite struct HubHTTPTests {
    static func hub(rateLimits: String = "", napTimeout: Int = 300, pool: (Int, Int) = (4, 16)) throws -> TestHub {
        try TestHub(
            providers: ProviderYAML.template() + "\n"
                + ProviderYAML.cFixture(library: try CFixtures.library(.working), rateLimits: rateLimits, napTimeout: napTimeout),
            secrets: ["cfixture_token": "cfx-SECRET-value-0042", "socket_api_key": "sock-other-provider-key"], pool: pool)
    }

    static func headers(_ token: String?) -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        fields[.contentType] = "application/json"
        return fields
    }

    static func body(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(String(buffer: response.body))
    }

    @Test func aCallReachesTheProviderAndReturnsItsResult() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token),
                body: ByteBuffer(string: #"{"a": 40, "b": 2}"#))
            #expect(response.status == .ok)
            #expect(try Self.body(response) == ["sum": 42, "language": "c"])
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let eventId = try #require(response.headers[HTTPField.Name("X-Run-Event-Id")!])

            let swiftResponse = try await client.execute(
                uri: "/providers/template/echo", method: .post, headers: Self.headers(token),
                body: ByteBuffer(string: #"{"message": "hi"}"#))
            #expect(try Self.body(swiftResponse) == ["greeting": "hello", "message": "hi"])

            let events = try await hub.events()
            let event = try #require(events.first { $0.id.uuidString.lowercased() == eventId })
            #expect(event.status == .ok)
            #expect(event.provider == "cfixture" && event.tool == "add")
            #expect(event.callerRole == "ops_viewer")
            #expect(event.payload == #"{"a":40,"b":2}"#)
            #expect(try JSONValue.parse(event.result ?? "") == ["sum": 42, "language": "c"])
        }
    }

    @Test func malformedBodiesGet400InTheErrorShape() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let malformed = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token),
                body: ByteBuffer(string: #"{"a": 1,, "b": 2}"#), requestId: "req-malformed-1")
            #expect(malformed.status == .badRequest)
            let error = try Self.body(malformed)["error"]
            #expect(error?["code"] == "invalid_input")
            #expect(error?["request_id"] == "req-malformed-1")
            #expect(error?["message"]?.stringValue?.hasPrefix("the body is not valid JSON: line 1, column 9") == true)

            let wrongType = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token),
                body: ByteBuffer(string: #"{"a": "one", "b": 2}"#))
            #expect(wrongType.status == .badRequest)
            #expect(try Self.body(wrongType)["error"]?["message"] == "input /a: expected integer, got string")

            // Both attempts are on record, as denied at the validate stage.
            let events = try await hub.events()
            #expect(events.count == 2)
            #expect(events.allSatisfy { $0.status == .denied && $0.stage == "validate" })
        }
    }

    @Test func unknownProvidersAndToolsGet404() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsAdmin)
        try await hub.application.test(.router) { client in
            for path in ["/providers/nope/add", "/providers/cfixture/nope"] {
                let response = try await client.execute(uri: path, method: .post, headers: Self.headers(token), body: ByteBuffer(string: "{}"))
                #expect(response.status == .notFound)
                #expect(try Self.body(response)["error"]?["code"] == "not_found")
            }
        }
    }

    @Test func missingOrBadTokensGet401AndAreRecorded() async throws {
        let hub = try Self.hub()
        try await hub.application.test(.router) { client in
            for token in [nil, "not-a-jwt", try await hub.token(.opsAdmin) + "x"] {
                let response = try await client.execute(
                    uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token),
                    body: ByteBuffer(string: #"{"a":1,"b":2}"#))
                #expect(response.status == .unauthorized)
                #expect(try Self.body(response)["error"]?["message"] == "a valid bearer token is required")
            }
            let events = try await hub.events()
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0.status == .denied && $0.stage == "authenticate" && $0.callerId == nil && $0.callerRole == "unknown" })
            #expect(Set(events.compactMap(\.error)).count == 3, "each failure's reason is recorded")
        }
    }

    /// Every role against every tool, for calling and for listing: listing shows exactly what
    /// calling allows.
    @Test func rbacForCallingAndListing() async throws {
        let hub = try Self.hub()
        let minimum: [String: OpsRole] = [
            "template.echo": .opsViewer, "cfixture.add": .opsViewer, "cfixture.nap": .opsOperator,
            "cfixture.leak": .opsAdmin, "cfixture.peek": .opsViewer, "cfixture.health": .opsViewer,
        ]
        let inputs: [String: String] = [
            "template.echo": #"{"message":"x"}"#, "cfixture.add": #"{"a":1,"b":1}"#, "cfixture.nap": #"{"ms":0}"#,
        ]
        try await hub.application.test(.router) { client in
            for role in OpsRole.allCases {
                let token = try await hub.token(role)
                let listing = try Self.body(try await client.execute(uri: "/providers", method: .get, headers: Self.headers(token)))
                var listed: Set<String> = []
                for provider in listing["providers"]?.arrayValue ?? [] {
                    for tool in provider["tools"]?.arrayValue ?? [] {
                        listed.insert("\(provider["name"]!.stringValue!).\(tool["name"]!.stringValue!)")
                    }
                }
                let allowed = Set(minimum.filter { role >= $0.value }.keys)
                #expect(listed == allowed, "\(role.rawValue) lists \(listed.sorted())")
                for (qualified, minRole) in minimum {
                    let parts = qualified.split(separator: ".", maxSplits: 1)
                    let response = try await client.execute(
                        uri: "/providers/\(parts[0])/\(parts[1])", method: .post, headers: Self.headers(token),
                        body: ByteBuffer(string: inputs[qualified] ?? "{}"))
                    if role >= minRole {
                        #expect(response.status != .forbidden || qualified == "cfixture.peek", "\(role.rawValue) → \(qualified)")
                    } else {
                        #expect(response.status == .forbidden, "\(role.rawValue) → \(qualified)")
                        #expect(try Self.body(response)["error"]?["message"]?.stringValue == "\(qualified) requires \(minRole.rawValue)")
                    }
                }
            }
        }
    }

    @Test func rateLimitsAreExactAtTheBoundaryPerCallerAndCategory() async throws {
        let limits = """
                rate_limits:
                  ops_viewer: { reads: 3/hour }
                  ops_operator: { reads: 5/hour }
                  ops_admin: unlimited
            """
        let hub = try Self.hub(rateLimits: limits)
        let alice = try await hub.token(.opsViewer)
        let bob = try await hub.token(.opsViewer)
        let admin = try await hub.token(.opsAdmin)
        try await hub.application.test(.router) { client in
            func add(_ token: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"a":1,"b":1}"#))
            }
            for expectedRemaining in [2, 1, 0] {
                let response = try await add(alice)
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("RateLimit-Limit")!] == "3")
                #expect(response.headers[HTTPField.Name("RateLimit-Remaining")!] == String(expectedRemaining))
            }
            let refused = try await add(alice)
            #expect(refused.status == .tooManyRequests)
            #expect(try Self.body(refused)["error"]?["code"] == "rate_limited")
            let retryAfter = try #require(refused.headers[HTTPField.Name("Retry-After")!].flatMap { Int($0) })
            #expect(retryAfter > 3500 && retryAfter <= 3600)
            // Bob has his own budget; the admin has none.
            #expect(try await add(bob).status == .ok)
            for _ in 0..<10 { #expect(try await add(admin).status == .ok) }
            // The template provider has no rate_limits block: unlimited for everyone.
            for _ in 0..<5 {
                let echo = try await client.execute(
                    uri: "/providers/template/echo", method: .post, headers: Self.headers(alice),
                    body: ByteBuffer(string: #"{"message":"x"}"#))
                #expect(echo.status == .ok)
            }
            #expect(try await hub.events().filter { $0.status == .rateLimited }.count == 1)
        }
    }

    @Test func aRoleWithoutABudgetForTheCategoryIsRefused() async throws {
        let limits = """
                rate_limits:
                  ops_viewer: { scans: 3/hour }
            """
        let hub = try Self.hub(rateLimits: limits)
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"a":1,"b":1}"#))
            #expect(response.status == .forbidden)
            #expect(try Self.body(response)["error"]?["message"] == "no reads budget is configured for ops_viewer on cfixture")
        }
    }

    @Test func aProviderPastItsTimeoutGets504AndTheHubStaysResponsive() async throws {
        let hub = try Self.hub(napTimeout: 200)
        let token = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            // A stubborn nap ignores its cancel flag: the 504 must not wait for it.
            async let slow = client.execute(
                uri: "/providers/cfixture/nap", method: .post, headers: Self.headers(token),
                body: ByteBuffer(string: #"{"ms":3000,"stubborn":true}"#))
            // Meanwhile other calls are answered.
            try await waitUntil { hub.runtime.registry.generation.callsInFlight > 0 }
            let quick = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"a":1,"b":2}"#))
            #expect(quick.status == .ok)
            let response = try await slow
            #expect(response.status == .gatewayTimeout)
            #expect(try Self.body(response)["error"]?["code"] == "timeout")
            // Answered while the provider still runs: cut at the deadline, not when it returned
            // (a structural check, not a stopwatch: a stalled machine is slow, not wrong).
            #expect(hub.runtime.registry.generation.callsInFlight > 0)
            let timeout = try #require(try await hub.events().first { $0.tool == "nap" })
            #expect(timeout.status == .timeout)
            #expect(timeout.durationMs >= 200)
        }
    }

    @Test func aFullInvocationPoolAnswers503Quickly() async throws {
        let hub = try Self.hub(napTimeout: 10_000, pool: (1, 0))
        let token = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            // Long enough that a poller starved on a loaded machine still sees it running.
            async let busy = client.execute(
                uri: "/providers/cfixture/nap", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"ms":4000}"#))
            // Wait until the nap holds the only thread (a fixed sleep lost that race on a loaded machine).
            let limit = ContinuousClock.now + .seconds(30)
            while hub.runtime.pool.runningJobs == 0, ContinuousClock.now < limit { try await Task.sleep(for: .milliseconds(10)) }
            try #require(hub.runtime.pool.runningJobs == 1)
            let refused = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"a":1,"b":2}"#))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[HTTPField.Name("Retry-After")!] == "1")
            // A 503 (not a 200 after the nap) shows it was refused at once rather than queued.
            #expect(try await busy.status == .ok)
        }
    }

    @Test func aProviderEchoingItsOwnSecretHasItScrubbedFromReplyAndAudit() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsAdmin)
        try await hub.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/providers/cfixture/leak", method: .post, headers: Self.headers(token), body: ByteBuffer(string: "{}"))
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(!text.contains("cfx-SECRET-value-0042"))
            #expect(text.contains("[REDACTED]"))
            let event = try #require(try await hub.events().first { $0.tool == "leak" })
            #expect(event.result?.contains("cfx-SECRET-value-0042") == false)
        }
    }

    @Test func aProviderAskingForAnotherProvidersSecretIsDenied() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let response = try await client.execute(
                uri: "/providers/cfixture/peek", method: .post, headers: Self.headers(token), body: ByteBuffer(string: "{}"))
            #expect(response.status == .forbidden)
            let message = try Self.body(response)["error"]?["message"]?.stringValue ?? ""
            #expect(message == "cfixture.peek: secret 'socket_api_key' is outside cfixture's vault scope")
            #expect(!String(buffer: response.body).contains("sock-other-provider-key"))
            let event = try #require(try await hub.events().first { $0.tool == "peek" })
            #expect(event.status == .denied && event.stage == "invoke" && event.error?.contains("outside cfixture's vault scope") == true)
        }
    }

    /// One request, one event, whatever the outcome: each status once, with its stage.
    @Test func eachOutcomeYieldsExactlyOneEventWithItsStatus() async throws {
        let limits = """
                rate_limits:
                  ops_admin: { reads: 3/hour }
            """
        // No cfixture_token in the vault: `leak` fails inside the provider (an error, not a denial).
        let hub = try TestHub(
            providers: ProviderYAML.cFixture(library: try CFixtures.library(.working), rateLimits: limits, napTimeout: 100))
        let admin = try await hub.token(.opsAdmin, sub: "7d1c4f9e-3a52-4b8e-9d6f-2c1a0b9e8d7f", team: "platform")
        try await hub.application.test(.router) { client in
            func call(_ tool: String, _ body: String, _ token: String? = nil) async throws -> TestResponse {
                try await client.execute(
                    uri: "/providers/cfixture/\(tool)", method: .post, headers: Self.headers(token ?? admin), body: ByteBuffer(string: body))
            }
            #expect(try await call("add", #"{"a":1,"b":1}"#).status == .ok)
            // A secret nobody stored is a misconfiguration: 503 saying what to run, not 404.
            #expect(try await call("leak", "{}").status == .serviceUnavailable)
            #expect(try await call("nap", #"{"ms":2000}"#).status == .gatewayTimeout)
            #expect(try await call("add", #"{"a":1,"b":1}"#).status == .tooManyRequests)
            #expect(try await call("add", #"{"a":1,"b":1}"#, "garbage").status == .unauthorized)

            let events = try await hub.events().reversed().map { $0 }
            #expect(events.map(\.status) == [.ok, .error, .timeout, .rateLimited, .denied])
            #expect(events.map(\.stage) == ["invoke", "invoke", "invoke", "rate_limit", "authenticate"])
            #expect(events.prefix(4).allSatisfy {
                $0.callerId == "7d1c4f9e-3a52-4b8e-9d6f-2c1a0b9e8d7f" && $0.callerRole == "ops_admin" && $0.team == "platform"
            })
            #expect(events[1].error == "cfixture.leak: secret 'cfixture_token' is not in the vault; an admin must run: mcp-hub secrets set cfixture_token")
            #expect(Set(events.map(\.requestId)).count == 5)
            #expect(events.allSatisfy { $0.provider == "cfixture" })
        }
    }

    /// `GET /events`: a viewer sees their own events whatever filters they send; an admin sees all;
    /// bad filters and forged cursors are the caller's error (400), not the server's.
    @Test func eventsAreFilteredByWhoAsks() async throws {
        let hub = try Self.hub()
        let alice = "11111111-1111-4111-8111-111111111111"
        let bob = "22222222-2222-4222-8222-222222222222"
        let aliceToken = try await hub.token(.opsViewer, sub: alice)
        let bobToken = try await hub.token(.opsViewer, sub: bob)
        let admin = try await hub.token(.opsAdmin)
        try await hub.application.test(.router) { client in
            for token in [aliceToken, aliceToken, bobToken] {
                let call = try await client.execute(
                    uri: "/providers/cfixture/add", method: .post, headers: Self.headers(token), body: ByteBuffer(string: #"{"a":1,"b":1}"#))
                #expect(call.status == .ok)
            }
            func callers(_ query: String, _ token: String) async throws -> [String] {
                let response = try await client.execute(uri: "/events\(query)", method: .get, headers: Self.headers(token))
                #expect(response.status == .ok)
                return try Self.body(response)["events"]?.arrayValue?.compactMap { $0["caller_id"]?.stringValue } ?? []
            }
            #expect(try await callers("", aliceToken) == [alice, alice])
            #expect(try await callers("?caller=\(bob)", aliceToken) == [])
            #expect(try await callers("?provider=cfixture&limit=500", bobToken) == [bob])
            #expect(try await callers("", admin).sorted() == [alice, alice, bob])
            #expect(try await callers("?caller=\(bob)", admin) == [bob])

            let unknown = try await client.execute(uri: "/events?who=me", method: .get, headers: Self.headers(admin))
            #expect(unknown.status == .badRequest)
            let forged = try await client.execute(uri: "/events?cursor=forged", method: .get, headers: Self.headers(admin))
            #expect(forged.status == .badRequest)
            #expect(try Self.body(forged)["error"]?["code"] == "invalid_input")
            #expect(try await client.execute(uri: "/events", method: .get).status == .unauthorized)
        }
    }

    @Test func healthzNeedsNoTokenAndProviderHealthDoes() async throws {
        let hub = try Self.hub()
        let token = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let healthz = try await client.execute(uri: "/healthz", method: .get)
            #expect(healthz.status == .ok)
            #expect(try Self.body(healthz)["providers_loaded"] == 2)
            #expect(try await client.execute(uri: "/providers/cfixture/health", method: .get).status == .unauthorized)
            let health = try await client.execute(uri: "/providers/cfixture/health", method: .get, headers: Self.headers(token))
            #expect(health.status == .ok)
            #expect(try Self.body(health) == ["status": "ok"])
            // `health` is a tool too: POST reaches it like any other (the router must not let the
            // GET route's constant segment swallow it).
            let posted = try await client.execute(
                uri: "/providers/cfixture/health", method: .post, headers: Self.headers(token), body: ByteBuffer(string: "{}"))
            #expect(posted.status == .ok)
            #expect(try Self.body(posted) == ["status": "ok"])
        }
    }
}

extension TestClientProtocol {
    func execute(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil, requestId: String
    ) async throws -> TestResponse {
        var headers = headers
        headers[HTTPField.Name("X-Request-Id")!] = requestId
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }
}
