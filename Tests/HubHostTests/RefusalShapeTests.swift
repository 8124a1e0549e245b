import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// Fault 14: every refusal a route (or the router) makes is in the contract's shape, and the
/// ones about a tool call are audited like any other.
@Suite struct RefusalShapeTests {
    static func error(_ response: TestResponse) throws -> (code: String, message: String, requestId: String) {
        let error = try #require(try JSONValue.parse(String(buffer: response.body))["error"])
        return (try #require(error["code"]?.stringValue), try #require(error["message"]?.stringValue),
                try #require(error["request_id"]?.stringValue))
    }

    @Test func aBodyOverOneMiBIsRefusedAfterAuthenticationAndAudited() async throws {
        let hub = try HubHTTPTests.hub()
        let token = try await hub.token(.opsViewer)
        let huge = ByteBuffer(string: #"{"a":1,"b":""# + String(repeating: "x", count: HubRouter.maxBodyBytes) + #""}"#)
        try await hub.application.test(.router) { client in
            let refused = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: HubHTTPTests.headers(token), body: huge)
            #expect(refused.status == .badRequest)
            let error = try Self.error(refused)
            #expect(error.code == "invalid_input" && error.message.contains("exceeds 1048576 bytes"))
            #expect(refused.headers[HTTPField.Name("X-Run-Event-Id")!] != nil, "audited")

            let anonymous = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: HubHTTPTests.headers(nil), body: huge)
            #expect(anonymous.status == .unauthorized, "authentication comes first")
        }
        let events = try await hub.events()
        #expect(events.map(\.stage) == ["authenticate", "validate"])
        #expect(events.last?.status == .denied && events.last?.error?.contains("exceeds") == true)
    }

    @Test func unmatchedPathsAndWrongMethodsAnswerInTheErrorShape() async throws {
        let hub = try HubHTTPTests.hub()
        try await hub.application.test(.router) { client in
            let unknown = try await client.execute(uri: "/no/such/thing", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try Self.error(unknown).code == "not_found")

            for (uri, method, allow) in [
                ("/admin/reload", HTTPRequest.Method.get, "POST"), ("/providers", .delete, "GET"),
                ("/providers/cfixture/health", .put, "GET, POST"), ("/healthz", HTTPRequest.Method("PURGE")!, "GET"),
                ("/providers/cfixture/add", .get, "POST"),
            ] {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                let error = try Self.error(response)
                #expect(error.code == "method_not_allowed" && !error.requestId.isEmpty)
            }
        }
    }

    @Test func everyRouteInTheTableIsServed() async throws {
        let hub = try HubHTTPTests.hub()
        try await hub.application.test(.router) { client in
            for route in HubRoutes.table {
                let uri = route.pattern.replacingOccurrences(of: ":provider", with: "cfixture")
                    .replacingOccurrences(of: ":tool", with: "add")
                let response = try await client.execute(uri: uri, method: HTTPRequest.Method(route.method)!)
                #expect(response.status != .notFound && response.status != .methodNotAllowed, "\(route)")
            }
        }
    }
}
