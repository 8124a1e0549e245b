import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// POST /admin/reload: an admin changes the provider library or the config on disk and the hub
/// serves the change without a restart, while calls already running finish where they started.
@Suite struct HotReloadTests {
    /// A hub whose cfixture library lives at a path of its own, so the test can overwrite it the
    /// way an admin deploys a new build.
    final class Deployment: Sendable {
        let hub: TestHub
        let libraryPath: String

        init(napTimeout: Int = 20_000) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-reload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            libraryPath = directory.appendingPathComponent("libcfixture.so").path
            try FileManager.default.copyItem(atPath: try CFixtures.library(.working), toPath: libraryPath)
            hub = try TestHub(providers: Self.providers(libraryPath, napTimeout: napTimeout))
        }

        deinit { try? FileManager.default.removeItem(atPath: (libraryPath as NSString).deletingLastPathComponent) }

        /// Builds one off the cooperative pool: compiling the fixture and loading libraries
        /// block, and on a two-core machine that pool has two threads for every test running.
        static func make(napTimeout: Int = 20_000) async throws -> Deployment {
            try await Blocking.run { try Deployment(napTimeout: napTimeout) }
        }

        static func providers(_ library: String, includingTemplate: Bool = true, napTimeout: Int = 20_000) -> String {
            (includingTemplate ? ProviderYAML.template() + "\n" : "") + ProviderYAML.cFixture(library: library, napTimeout: napTimeout)
        }

        /// Replaces the library file in place: write next to it, then rename over it.
        func deploy(_ variant: CFixtures.Variant) async throws {
            try await Blocking.run { [self] in try deployBlocking(variant) }
        }

        private func deployBlocking(_ variant: CFixtures.Variant) throws {
            let staged = libraryPath + ".new"
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.copyItem(atPath: try CFixtures.library(variant), toPath: staged)
            guard rename(staged, libraryPath) == 0 else { throw FixtureError("rename: \(errno)") }
        }
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, token: String, body: String = "{}") async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "application/json"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func json(_ response: TestResponse) throws -> JSONValue { try JSONValue.parse(String(buffer: response.body)) }

    static func sum(_ client: some TestClientProtocol, token: String) async throws -> JSONValue? {
        try json(try await post(client, "/providers/cfixture/add", token: token, body: #"{"a":40,"b":2}"#))["sum"]
    }

    /// Polls `condition` until it holds or `seconds` pass; the bound is generous, not a measurement.
    static func eventually(within seconds: Double = 10, _ condition: () -> Bool) async throws -> Bool {
        let limit = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < limit else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    @Test func aNewLibraryInPlaceIsServedAfterReload() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let (viewer, admin) = (try await hub.token(.opsViewer), try await hub.token(.opsAdmin))
        try await hub.application.test(.router) { client in
            #expect(try await Self.sum(client, token: viewer) == 42)

            try await deployment.deploy(.addOffset)
            // Not picked up by itself: the running generation keeps the code it loaded.
            #expect(try await Self.sum(client, token: viewer) == 42)

            let reload = try await Self.post(client, "/admin/reload", token: admin)
            #expect(reload.status == .ok)
            let summary = try Self.json(reload)
            #expect(summary["generation"] == 2)
            #expect(summary["providers"] == ["cfixture", "template"])
            #expect(summary["failures"] == [])
            #expect(try await Self.sum(client, token: viewer) == 142, "the new build answers")
        }
    }

    @Test func aCallInFlightFinishesOnTheGenerationItStartedOn() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let (operatorToken, admin) = (try await hub.token(.opsOperator), try await hub.token(.opsAdmin))
        let old = hub.runtime.registry.generation
        let oldProvider = try #require(old.providers["cfixture"])
        try await hub.application.test(.router) { client in
            // Long enough that the reload surely lands inside it, even on a loaded machine.
            async let napping = Self.post(client, "/providers/cfixture/nap", token: operatorToken, body: #"{"ms":8000}"#)
            #expect(try await Self.eventually(within: 30) { old.callsInFlight > 0 }, "the nap never started")
            try await Task.sleep(for: .milliseconds(200))  // let it get past the guards into the provider

            try await deployment.deploy(.addOffset)
            #expect(try await Self.post(client, "/admin/reload", token: admin).status == .ok)
            #expect(hub.runtime.registry.generation !== old)
            #expect(!oldProvider.isShutDown, "retired while a call was still running on it")
            #expect(try await Self.sum(client, token: operatorToken) == 142, "new calls get the new build")

            let nap = try await napping
            #expect(nap.status == .ok)
            // The fixture fails a nap whose instance was shut down under it, and reports its build.
            #expect(try Self.json(nap) == ["slept": true, "add_offset": 0])
        }
        #expect(try await Self.eventually { oldProvider.isShutDown }, "the old generation is retired once idle")
    }

    /// After a timeout the caller has its 504, but a provider that ignores cancellation is still
    /// running its code: retiring the generation then would shut the provider down under it.
    @Test func aTimedOutCallStillRunningKeepsItsGenerationAlive() async throws {
        let deployment = try await Deployment.make(napTimeout: 300)
        let hub = deployment.hub
        let (operatorToken, admin) = (try await hub.token(.opsOperator), try await hub.token(.opsAdmin))
        let oldProvider = try #require(hub.runtime.registry.generation.providers["cfixture"])
        try await hub.application.test(.router) { client in
            let stuck = try await Self.post(client, "/providers/cfixture/nap", token: operatorToken, body: #"{"ms":6000,"stubborn":true}"#)
            #expect(stuck.status == .gatewayTimeout)

            try await deployment.deploy(.addOffset)
            #expect(try await Self.post(client, "/admin/reload", token: admin).status == .ok)
            // Several of retirement's 50 ms checks, and still well inside the provider's 6 s.
            try await Task.sleep(for: .milliseconds(300))
            #expect(!oldProvider.isShutDown, "shut down while the provider's thread was still in its code")
        }
        #expect(try await Self.eventually(within: 30) { oldProvider.isShutDown }, "retired once the thread returned")
    }

    @Test func aBrokenConfigIsRefusedWithItsPositionAndTheOldGenerationServes() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let (viewer, admin) = (try await hub.token(.opsViewer), try await hub.token(.opsAdmin))
        // The admin also deployed a new build: a refused reload must not pick it up either.
        try await deployment.deploy(.addOffset)
        try hub.writeConfig(providers: Deployment.providers(deployment.libraryPath) + "\n    bogus_setting: 1")
        let text = try String(contentsOfFile: hub.configPath, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains("bogus_setting") }) + 1
        let column = try #require(lines[line - 1].range(of: "bogus_setting")).lowerBound.utf16Offset(in: lines[line - 1]) + 1

        try await hub.application.test(.router) { client in
            let reload = try await Self.post(client, "/admin/reload", token: admin)
            #expect(reload.status == .badRequest)
            let error = try Self.json(reload)["error"]
            #expect(error?["code"] == "invalid_input")
            let message = try #require(error?["message"]?.stringValue)
            #expect(message.contains("\(hub.configPath):\(line):\(column)"), "\(message)")
            #expect(message.contains("bogus_setting"))

            #expect(hub.runtime.registry.generation.number == 1)
            #expect(try await Self.sum(client, token: viewer) == 42, "the old generation keeps serving")
        }
    }

    @Test func onlyAdminsMayReload() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        try await deployment.deploy(.addOffset)
        try await hub.application.test(.router) { client in
            for role in [OpsRole.opsViewer, .opsOperator] {
                let response = try await Self.post(client, "/admin/reload", token: try await hub.token(role))
                #expect(response.status == .forbidden)
                #expect(try Self.json(response)["error"]?["code"] == "forbidden")
            }
            let anonymous = try await client.execute(uri: "/admin/reload", method: .post)
            #expect(anonymous.status == .unauthorized)
            #expect(hub.runtime.registry.generation.number == 1)
            #expect(try await Self.sum(client, token: try await hub.token(.opsViewer)) == 42, "nothing was reloaded")
        }
    }

    @Test func aProviderRemovedFromTheConfigIsNoLongerServed() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let (viewer, admin) = (try await hub.token(.opsViewer), try await hub.token(.opsAdmin))
        let old = hub.runtime.registry.generation
        try await hub.application.test(.router) { client in
            let echo = #"{"message":"hi"}"#
            #expect(try await Self.post(client, "/providers/template/echo", token: viewer, body: echo).status == .ok)

            try hub.writeConfig(providers: Deployment.providers(deployment.libraryPath, includingTemplate: false))
            let reload = try await Self.post(client, "/admin/reload", token: admin)
            #expect(reload.status == .ok)
            #expect(try Self.json(reload)["providers"] == ["cfixture"])

            let gone = try await Self.post(client, "/providers/template/echo", token: viewer, body: echo)
            #expect(gone.status == .notFound)
            #expect(try Self.json(gone)["error"]?["code"] == "not_found")
            #expect(try await Self.sum(client, token: viewer) == 42, "the provider that stayed still serves")
        }
        let removed = try #require(old.providers["template"])
        #expect(try await Self.eventually { removed.isShutDown }, "the removed provider is shut down")
    }
}
