import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// The hub's MCP door driven by a real MCP client: the official Python SDK (`mcp` 2.3.0, from
/// `.venv`, which `scripts/install-deps` creates), through `Tests/mcp/mcp_client.py`, against a
/// live hub whose providers reach the TLS vendor fakes — in 2026-07-28 mode and in handshake mode.
@Suite(.serialized) struct MCPClientTests {
    static let modes = ["modern", "legacy"]

    /// Socket, Sentry, Netdata (vendor fakes) plus the Template and the C fixture, served on a
    /// real port.
    static func stack() throws -> ProviderStack {
        try ProviderStack(
            secrets: ["cfixture_token": "fixture-secret-value"],
            extraProviders: ProviderYAML.template() + "\n" + ProviderYAML.cFixtureMCP(library: try CFixtures.library(.working), napTimeout: 20_000))
    }

    @Test(arguments: modes) func aViewerSeesViewerToolsAndCallsThemEndToEnd(mode: String) async throws {
        let stack = try Self.stack()
        let viewer = try await stack.hub.token(.opsViewer)
        try await stack.hub.application.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/mcp"
            let list = try await MCPPythonClient.run(url: url, token: viewer, mode: mode, ["list"])
            #expect(list["error"] == .null, "\(list)")
            let names = Set(list["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            #expect(names.contains("template_echo") && names.contains("socket_findings_list"))
            #expect(!names.contains("socket_scan_repo"))  // ops_operator's
            #expect(!names.contains("cfixture_nap") && !names.contains("cfixture_leak"))
            #expect(list["protocol_version"] == .string(mode == "modern" ? "2026-07-28" : "2025-11-25"))
            // Title, output schema and hints come from the providers' manifests (ABI 1.1).
            let tools = list["tools"]?.arrayValue ?? []
            let findingsTool = tools.first { $0["name"] == .string("socket_findings_list") }
            #expect(findingsTool?["title"] == .string("List supply-chain findings"))
            #expect(findingsTool?["annotations"]?["readOnlyHint"] == .bool(true))
            #expect(findingsTool?["annotations"]?["openWorldHint"] == .bool(true))
            let echoTool = tools.first { $0["name"] == .string("template_echo") }
            #expect(echoTool?["outputSchema"]?["required"] == ["greeting", "message"])

            let echo = try await MCPPythonClient.run(url: url, token: viewer, mode: mode, ["call", "template_echo", #"{"message":"hi"}"#])
            #expect(echo["is_error"] == .bool(false), "\(echo)")
            #expect(echo["structured"]?["message"] == .string("hi"))

            let findings = try await MCPPythonClient.run(
                url: url, token: viewer, mode: mode, ["call", "socket_findings_list", #"{"limit":100}"#])
            #expect(findings["is_error"] == .bool(false), "\(findings)")
            #expect(findings["structured"]?.objectValue != nil, "\(findings)")

            // Above the viewer's role: the SDK gets a tool error it can show the model.
            let scan = try await MCPPythonClient.run(url: url, token: viewer, mode: mode, ["call", "socket_scan_repo", #"{"repo":"my-repo"}"#])
            #expect(scan["is_error"] == .bool(true), "\(scan)")
            #expect(scan["text"]?.stringValue?.contains("forbidden") == true)
        }
        let events = try await stack.hub.events()
        #expect(events.count == 3, "one audit event per tool call, none for listing: \(events.map(\.tool))")
        #expect(events.allSatisfy { $0.channel == .mcp })
        #expect(Set(events.map { "\($0.provider).\($0.tool):\($0.status.rawValue)" })
            == ["template.echo:ok", "socket.findings.list:ok", "socket.scan.repo:denied"])
        #expect(events.allSatisfy { $0.protocolVersion == (mode == "modern" ? "2026-07-28" : "2025-11-25") })
    }

    @Test(arguments: modes) func anOperatorScansARepositoryThroughMCP(mode: String) async throws {
        let stack = try Self.stack()
        let operatorToken = try await stack.hub.token(.opsOperator)
        try await stack.hub.application.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/mcp"
            let scan = try await MCPPythonClient.run(
                url: url, token: operatorToken, mode: mode, ["call", "socket_scan_repo", #"{"repo":"my-repo"}"#])
            #expect(scan["is_error"] == .bool(false), "\(scan)")
            #expect(scan["structured"]?["max_severity"]?.stringValue != nil)
        }
        let event = try #require(try await stack.hub.events().first)
        #expect(event.provider == "socket" && event.tool == "scan.repo" && event.status == .ok)
        #expect(event.channel == .mcp && event.hostname == "api.socket.dev")
    }

    @Test(arguments: modes) func timeoutsAndCancellationReachTheProviderAndTheAuditTrail(mode: String) async throws {
        let stack = try Self.stack()
        let operatorToken = try await stack.hub.token(.opsOperator)
        try await stack.hub.application.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/mcp"
            let progress = try await MCPPythonClient.run(
                url: url, token: operatorToken, mode: mode, ["call-progress", "cfixture_nap", #"{"ms":300}"#])
            #expect(progress["is_error"] == .bool(false), "\(progress)")
            #expect(progress["progress"]?.arrayValue?.isEmpty == false, "\(progress)")

            let cancelled = try await MCPPythonClient.run(
                url: url, token: operatorToken, mode: mode, ["cancel", "cfixture_nap", #"{"ms":15000}"#, "--after-ms", "500"])
            #expect(cancelled["cancelled"] == .bool(true), "\(cancelled)")
            // The hub withdraws the call (cancel flag set, the provider stops) and audits it.
            try await waitUntil { stack.hub.runtime.registry.generation.callsInFlight == 0 }
        }
        let events = try await stack.hub.events()
        try await waitUntilAsync { try await stack.hub.events().contains { $0.status == .cancelled } }
        #expect(events.contains { $0.tool == "nap" && $0.status == .ok })
        let cancelled = try await stack.hub.events().first { $0.status == .cancelled }
        #expect(cancelled?.tool == "nap" && cancelled?.channel == .mcp)
    }

    @Test func aStolenSessionIdIsRefusedAndAudited() async throws {
        let stack = try Self.stack()
        let alice = try await stack.hub.token(.opsViewer)
        let mallory = try await stack.hub.token(.opsViewer)
        try await stack.hub.application.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/mcp"
            let opened = try await MCPPythonClient.run(url: url, token: alice, mode: "legacy", ["session-id"])
            let session = try #require(opened["session_id"]?.stringValue, "\(opened)")
            // Mallory replays Alice's session id with her own valid token.
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(mallory)"
            headers[.contentType] = "application/json"
            headers[.accept] = "application/json, text/event-stream"
            headers[HTTPField.Name("Mcp-Session-Id")!] = session
            headers[HTTPField.Name("MCP-Protocol-Version")!] = "2025-11-25"
            let reply = try await client.execute(
                uri: "/mcp", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"template_echo","arguments":{"message":"x"}}}"#))
            #expect(reply.status == .forbidden)
        }
        let events = try await stack.hub.events()
        #expect(events.count == 1)
        #expect(events.first?.status == .denied && events.first?.channel == .mcp)
        #expect(events.first?.provider == "mcp")
    }

    @Test func aHeaderBodyMismatchIsRefusedBeforeAnyTool() async throws {
        let stack = try Self.stack()
        let viewer = try await stack.hub.token(.opsViewer)
        try await stack.hub.application.test(.live) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(viewer)"
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("MCP-Protocol-Version")!] = "2026-07-28"
            headers[HTTPField.Name("Mcp-Method")!] = "tools/call"
            headers[HTTPField.Name("Mcp-Name")!] = "template_echo"
            let body = MCPWire.modern("tools/call", id: 1, params: ["name": "socket_scan_repo", "arguments": ["repo": "x"]])
            let reply = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body.serialized))
            #expect(reply.status == .badRequest)
            #expect(try JSONValue.parse(Array(buffer: reply.body))["error"]?["code"] == .number(-32020))
        }
        #expect(try stack.fake.requestCount == 0)
        let events = try await stack.hub.events()
        #expect(events.count == 1 && events.first?.provider == "mcp" && events.first?.status == .denied)
        #expect(events.first?.error?.contains("Mcp-Name") == true)
    }

    @Test(arguments: modes) func aReloadThatChangesTheToolsReachesListeningClients(mode: String) async throws {
        let stack = try Self.stack()
        let viewer = try await stack.hub.token(.opsViewer)
        try await stack.hub.application.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/mcp"
            async let listened = MCPPythonClient.run(url: url, token: viewer, mode: mode, ["list-changed", "--wait-seconds", "60"])
            // The client says READY on stderr once subscribed; the hub's side is an open
            // notification stream, which shows as a listener on the registry.
            try await waitUntil { stack.hub.runtime.registry.changes.listenerCount > 0 }
            try stack.hub.writeConfig(providers: ProviderYAML.template())
            _ = try await stack.hub.runtime.reload()
            let result = try await listened
            #expect(result["list_changed"] == .bool(true), "\(result)")
        }
    }
}

/// Runs the Python SDK driver and reads its one JSON object.
enum MCPPythonClient {
    static let python = RepositoryPaths.root.appendingPathComponent(".venv/bin/python").path
    static let driver = RepositoryPaths.root.appendingPathComponent("Tests/mcp/mcp_client.py").path

    static func run(url: String, token: String, mode: String, _ scenario: [String]) async throws -> JSONValue {
        let result = try await HubCLI.run(
            executable: python, [driver, "--url", url, "--token", token, "--mode", mode, "--timeout", "60"] + scenario)
        guard result.status == 0, let value = try? JSONValue.parse(Array(result.stdout.utf8)) else {
            throw FixtureError("mcp_client.py \(scenario.joined(separator: " ")) failed: \(result)")
        }
        return value
    }
}

/// `waitUntil` for conditions that need to await.
func waitUntilAsync(_ condition: @Sendable () async throws -> Bool) async throws {
    for _ in 0..<3000 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw FixtureError("condition not met within 30 s")
}
