import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// Faults 4 and 5: a reload never half-applies and never takes a working provider offline.
@Suite struct ReloadSafetyTests {
    typealias Deployment = HotReloadTests.Deployment

    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> JSONValue {
        try JSONValue.parse(String(buffer: try await client.execute(uri: uri, method: .get).body))
    }

    /// Each way a provider can fail to load on reload: the pin, the library, the tools.
    enum Breakage: String, CaseIterable, CustomTestStringConvertible {
        case wrongPin, missingTool, notALibrary
        var testDescription: String { rawValue }
    }

    @Test(arguments: Breakage.allCases)
    func aProviderThatFailsToLoadKeepsItsLastGoodVersion(_ breakage: Breakage) async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let (viewer, admin) = (try await hub.token(.opsViewer), try await hub.token(.opsAdmin))
        let before = try #require(hub.runtime.registry.generation.providers["cfixture"])
        var providers = Deployment.providers(deployment.libraryPath)
        switch breakage {
        case .wrongPin:
            providers += "\n    sha256: \"sha256:" + String(repeating: "0", count: 64) + "\""
        case .missingTool:
            providers += "\n      - { name: no_such_tool, min_role: ops_viewer }"
        case .notALibrary:
            try await Blocking.run { try "not an ELF file".write(toFile: deployment.libraryPath, atomically: true, encoding: .utf8) }
        }
        try hub.writeConfig(providers: providers)

        try await hub.application.test(.router) { client in
            let reload = try await HotReloadTests.post(client, "/admin/reload", token: admin)
            #expect(reload.status == .ok)
            let summary = try HotReloadTests.json(reload)
            #expect(summary["generation"] == 2)
            #expect(summary["kept_previous"] == ["cfixture"])
            let failure = try #require(summary["failures"]?.arrayValue?.first?.stringValue)
            #expect(failure.hasPrefix("cfixture: ") && failure.contains("previous version still serving"), "\(failure)")

            #expect(try await HotReloadTests.sum(client, token: viewer) == 42, "the last good version serves")
            #expect(hub.runtime.registry.generation.providers["cfixture"] === before)

            let health = try await Self.get(client, "/healthz")
            #expect(health["status"] == "degraded")
            #expect(health["providers_failed"] == 1)
            #expect(health["failures"]?.arrayValue?.first?.stringValue == failure)
        }
        #expect(!before.isShutDown, "a kept provider is not shut down when its old generation retires")
        let event = try await waitForEvent(hub) { $0.provider == "hub" && $0.tool == "reload" }
        #expect(event.status == .error && event.channel == .rest && event.callerRole == "ops_admin")
        #expect(event.error?.contains("cfixture: ") == true, "\(event.error ?? "")")
    }

    @Test func aChangeInTheHubBlockIsRefusedNamingEachKeyThatNeedsARestart() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        let admin = try await hub.token(.opsAdmin)
        var text = try String(contentsOfFile: hub.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "refresh_ms: 100", with: "refresh_ms: 200")
        text = text.replacingOccurrences(
            of: "    store: sqlite\n", with: "    store: sqlite\n  egress:\n    connect_to: [\"api.socket.dev:443:127.0.0.1:8443\"]\n")
        try hub.writeConfig(text: text)

        try await hub.application.test(.router) { client in
            let reload = try await HotReloadTests.post(client, "/admin/reload", token: admin)
            #expect(reload.status == .badRequest)
            let message = try #require(try HotReloadTests.json(reload)["error"]?["message"]?.stringValue)
            #expect(message.contains("hub.egress.connect_to, hub.vault.refresh_ms"), "\(message)")
            #expect(message.contains("restart"))
            #expect(hub.runtime.registry.generation.number == 1, "nothing was applied")
        }
        let event = try await waitForEvent(hub) { $0.tool == "reload" }
        #expect(event.status == .error && event.error?.contains("hub.egress.connect_to") == true)
    }

    @Test func aSuccessfulReloadAndARefusedOneAreBothAudited() async throws {
        let deployment = try await Deployment.make()
        let hub = deployment.hub
        try await hub.application.test(.router) { client in
            let refused = try await HotReloadTests.post(client, "/admin/reload", token: try await hub.token(.opsOperator))
            #expect(refused.status == .forbidden)
            let done = try await HotReloadTests.post(client, "/admin/reload", token: try await hub.token(.opsAdmin))
            #expect(done.status == .ok)
        }
        let events = try await hub.events().filter { $0.provider == "hub" && $0.tool == "reload" }
        #expect(events.map(\.status) == [.ok, .denied])
        #expect(events.last?.stage == "authorize" && events.last?.callerRole == "ops_operator")
        #expect(try JSONValue.parse(events.first?.result ?? "")["generation"] == 2)
    }
}
