import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HubHost

/// A caller that goes away withdraws its call on the REST door too (the MCP door's own tests
/// cover closing a stream): the provider's cancel flag is set and the one audit event says
/// `cancelled`, long before the tool's deadline.
@Suite struct ClientDisconnectTests {
    @Test func aRESTClientThatHangsUpCancelsItsCall() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.cFixture(library: try CFixtures.library(.working), napTimeout: 60_000),
            secrets: ["cfixture_token": "x"])
        let token = try await hub.token(.opsOperator)
        try await hub.application.test(.live) { client in
            let connection = try ConnectionDeadlineTests.RawConnection(port: try #require(client.port))
            let body = #"{"ms":50000}"#
            connection.send(
                "POST /providers/cfixture/nap HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(token)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            try await waitUntil { hub.runtime.registry.generation.callsInFlight > 0 }
            shutdown(connection.descriptor, Int32(SHUT_RDWR))  // the caller hangs up
            try await waitUntilAsync { try await hub.events().contains { $0.tool == "nap" } }
        }
        let event = try #require(try await hub.events().first { $0.tool == "nap" })
        // `cancelled` (not `timeout` at 60 s, not `ok` after the 50 s nap) is only written when the
        // hang-up withdrew the call.
        #expect(event.status == .cancelled && event.channel == .rest)
    }
}
