import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// The MCP door at the wire: both eras, the transport's refusals, and that a tool call takes the
/// REST path's stages and writes its one audit event (channel `mcp`). The real-client tests
/// (`MCPClientTests`) drive the same endpoint with the Python SDK.
@Suite struct MCPEndpointTests {
    static func hub(rateLimits: String = "", hubExtra: String = "") throws -> TestHub {
        try TestHub(
            providers: ProviderYAML.template() + "\n" + ProviderYAML.cFixtureMCP(library: try CFixtures.library(.working), rateLimits: rateLimits),
            hubExtra: hubExtra, secrets: ["cfixture_token": "fixture-secret-value"])
    }

    @Test func modernDiscoverListAndCallWriteOneEventWithChannelMCP() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let discover = try await client.mcp(MCPWire.modern("server/discover", id: 1), token: viewer)
            #expect(discover.status == .ok)
            let result = try discover.result
            #expect(result["supportedVersions"]?.arrayValue?.contains(.string("2026-07-28")) == true)
            #expect(result["capabilities"]?["tools"] != nil)
            #expect(result["cacheScope"] == .string("public") && result["ttlMs"]?.numberValue != nil)
            #expect(result["_meta"]?[MCPRevision.metaServerInfo]?["name"] == .string("mcp-hub"))

            let list = try await client.mcp(MCPWire.modern("tools/list", id: 2), token: viewer)
            let tools = try list.result["tools"]?.arrayValue ?? []
            let names = Set(tools.compactMap { $0["name"]?.stringValue })
            // Viewer tools only: nap and leak need ops_operator/ops_admin.
            #expect(names == ["template_echo", "cfixture_add", "cfixture_peek", "cfixture_health", "cfixture_throttle"])
            #expect(try list.result["cacheScope"] == .string("private"))
            let add = tools.first { $0["name"] == .string("cfixture_add") }
            #expect(add?["title"] == .string("Add two integers"))
            #expect(add?["outputSchema"]?["properties"]?["sum"] != nil)
            #expect(add?["annotations"]?["readOnlyHint"] == .bool(true))
            #expect(add?["annotations"]?["idempotentHint"] == .bool(true))

            let call = try await client.mcp(
                MCPWire.modern("tools/call", id: 3, params: ["name": "cfixture_add", "arguments": ["a": 2, "b": 3]]),
                token: viewer, name: "cfixture_add")
            #expect(call.status == .ok)
            #expect(try call.result["isError"] == .bool(false))
            #expect(try call.result["structuredContent"]?["sum"] == .number(5))
            #expect(try call.result["content"]?.arrayValue?.first?["type"] == .string("text"))
        }
        let events = try await hub.events()
        #expect(events.count == 1)  // discovery and listing are not tool calls
        #expect(events.first?.provider == "cfixture" && events.first?.tool == "add")
        #expect(events.first?.channel == .mcp && events.first?.protocolVersion == "2026-07-28")
        #expect(events.first?.status == .ok && events.first?.providerVersion == "0.1.0")
    }

    @Test func headerBodyMismatchAndVersionErrorsAreTheSpecsCodes() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            // Mcp-Name says one tool, the body another: a gateway routing on the header must not be fooled.
            let call = MCPWire.modern("tools/call", id: 1, params: ["name": "cfixture_add", "arguments": ["a": 1, "b": 1]])
            let mismatch = try await client.mcp(call, token: viewer, name: "template_echo")
            #expect(mismatch.status == .badRequest)
            #expect(try mismatch.errorCode == -32020)

            let missingName = try await client.mcp(call, token: viewer, name: nil)
            #expect(try missingName.errorCode == -32020)

            let wrongMethodHeader = try await client.mcp(MCPWire.modern("tools/list", id: 2), token: viewer, method: "tools/call")
            #expect(try wrongMethodHeader.errorCode == -32020)

            let future = try await client.mcp(MCPWire.modern("tools/list", id: 3, version: "2099-01-01"), token: viewer, version: "2099-01-01")
            #expect(future.status == .badRequest)
            #expect(try future.errorCode == -32022)
            #expect(try future.json["error"]?["data"]?["requested"] == .string("2099-01-01"))
            #expect(try future.json["error"]?["data"]?["supported"]?.arrayValue?.contains(.string("2026-07-28")) == true)

            let headerDisagrees = try await client.mcp(MCPWire.modern("tools/list", id: 4), token: viewer, version: "2025-11-25")
            #expect(try headerDisagrees.errorCode == -32020)

            let unknownMethod = try await client.mcp(MCPWire.modern("prompts/list", id: 5), token: viewer)
            #expect(unknownMethod.status == .notFound)
            #expect(try unknownMethod.errorCode == -32601)

            let unknownTool = try await client.mcp(
                MCPWire.modern("tools/call", id: 6, params: ["name": "nope_tool", "arguments": [:]]), token: viewer, name: "nope_tool")
            #expect(try unknownTool.errorCode == -32602)

            let batch = try await client.mcpRaw("[\(MCPWire.modern("tools/list", id: 7).serialized)]", token: viewer, headers: [:])
            #expect(try batch.errorCode == -32600)
        }
        // None reached a tool, and every refusal is on record as an MCP attempt.
        let events = try await hub.events()
        #expect(events.count == 8)
        #expect(events.allSatisfy { $0.provider == "mcp" && $0.status == .denied && $0.channel == .mcp })
    }

    @Test func missingTokenIs401WithResourceMetadataAndAudited() async throws {
        let hub = try Self.hub()
        try await hub.application.test(.router) { client in
            let call = MCPWire.modern("tools/call", id: 1, params: ["name": "cfixture_add", "arguments": ["a": 1, "b": 1]])
            let reply = try await client.mcp(call, token: nil, name: "cfixture_add")
            #expect(reply.status == .unauthorized)
            let challenge = reply.headers[.wwwAuthenticate] ?? ""
            #expect(challenge.hasPrefix("Bearer resource_metadata=\""))
            #expect(challenge.contains("/.well-known/oauth-protected-resource/mcp"))

            let metadata = try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .get)
            let document = try JSONValue.parse(Array(buffer: metadata.body))
            #expect(document["resource"]?.stringValue?.hasSuffix("/mcp") == true)
            #expect(document["authorization_servers"] == .array([.string(TestHub.issuer)]))
            let root = try await client.execute(uri: "/.well-known/oauth-protected-resource", method: .get)
            #expect(root.status == .ok)
        }
        let event = try #require(try await hub.events().first)
        #expect(event.status == .denied && event.stage == "authenticate" && event.channel == .mcp)
        #expect(event.provider == "cfixture" && event.tool == "add")
    }

    @Test func toolFailuresAreIsErrorResultsWithWordsAModelCanActOn() async throws {
        let hub = try Self.hub(rateLimits: "    rate_limits:\n      ops_viewer: { reads: 1/hour }\n      ops_operator: unlimited")
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let add = MCPWire.modern("tools/call", id: 1, params: ["name": "cfixture_add", "arguments": ["a": 1, "b": 1]])
            #expect(try await client.mcp(add, token: viewer, name: "cfixture_add").result["isError"] == .bool(false))
            // Budget spent: an isError result that says when to retry, not a JSON-RPC error.
            let limited = try await client.mcp(add, token: viewer, name: "cfixture_add")
            #expect(try limited.result["isError"] == .bool(true))
            #expect(try limited.text.contains("rate_limited"))
            #expect(try limited.text.contains("retry in"))
            #expect(try limited.result["_meta"]?["dev.mcp-hub/error"]?["retry_after_seconds"]?.numberValue != nil)

            // A tool above the caller's role: refused, as a result the model can read.
            let nap = MCPWire.modern("tools/call", id: 2, params: ["name": "cfixture_nap", "arguments": ["ms": 1]])
            let forbidden = try await client.mcp(nap, token: viewer, name: "cfixture_nap")
            #expect(try forbidden.result["isError"] == .bool(true))
            #expect(try forbidden.text.contains("forbidden"))

            // Schema violations are tool errors too (the model can fix its arguments).
            let operatorToken = try await hub.token(.opsOperator)
            let bad = MCPWire.modern("tools/call", id: 3, params: ["name": "cfixture_add", "arguments": ["a": "x", "b": 1]])
            let invalid = try await client.mcp(bad, token: operatorToken, name: "cfixture_add")
            #expect(try invalid.result["isError"] == .bool(true))
            #expect(try invalid.text.contains("invalid_input"))
        }
        let events = try await hub.events()
        #expect(events.count == 4)
        #expect(events.allSatisfy { $0.channel == .mcp })
        #expect(Set(events.map(\.status)) == [.ok, .rateLimited, .denied])
    }

    @Test func upstreamThrottlingReachesTheModelWithTheVendorsRetryAfter() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let call = MCPWire.modern("tools/call", id: 1, params: ["name": "cfixture_throttle", "arguments": [:]])
            let reply = try await client.mcp(call, token: viewer, name: "cfixture_throttle")
            #expect(try reply.result["isError"] == .bool(true))
            #expect(try reply.text.contains("vendor"))
            #expect(try reply.text.contains("retry in 42 s"))
            #expect(try reply.result["_meta"]?["dev.mcp-hub/error"]?["retry_after_seconds"] == .number(42))
            // And over REST: 429 with the upstream's Retry-After.
            let rest = try await client.execute(
                uri: "/providers/cfixture/throttle", method: .post, headers: [.authorization: "Bearer \(viewer)"],
                body: ByteBuffer(string: "{}"))
            #expect(rest.status == .tooManyRequests)
            #expect(rest.headers[.retryAfter] == "42")
        }
    }

    @Test func handshakeEraSessionsAreBoundToTheirCaller() async throws {
        let hub = try Self.hub()
        let alice = try await hub.token(.opsViewer)
        let mallory = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let initialize = try await client.mcp(MCPWire.legacyInitialize(id: 1), token: alice, modernHeaders: false)
            #expect(try initialize.result["protocolVersion"] == .string("2025-06-18"))
            let session = try #require(initialize.headers[HTTPField.Name("Mcp-Session-Id")!])

            let ping = try await client.mcp(MCPWire.legacy("ping", id: 2), token: alice, session: session)
            #expect(ping.status == .ok)
            let list = try await client.mcp(MCPWire.legacy("tools/list", id: 3), token: alice, session: session)
            #expect(try list.result["tools"]?.arrayValue?.isEmpty == false)
            #expect(try list.result["ttlMs"] == nil)  // a 2026-07-28 field, not sent to this era

            let stolen = try await client.mcp(MCPWire.legacy("tools/list", id: 4), token: mallory, session: session)
            #expect(stolen.status == .forbidden)

            let noSession = try await client.mcp(MCPWire.legacy("tools/list", id: 5), token: alice, session: nil)
            #expect(noSession.status == .badRequest)
            let unknown = try await client.mcp(MCPWire.legacy("tools/list", id: 6), token: alice, session: "feedface")
            #expect(unknown.status == .notFound)

            // GET and DELETE belong to a session; without one they are not allowed here.
            let get = try await client.execute(uri: "/mcp", method: .get, headers: [.authorization: "Bearer \(alice)"])
            #expect(get.status == .methodNotAllowed)
            var deleteHeaders: HTTPFields = [.authorization: "Bearer \(alice)"]
            deleteHeaders[HTTPField.Name("Mcp-Session-Id")!] = session
            let delete = try await client.execute(uri: "/mcp", method: .delete, headers: deleteHeaders)
            #expect(delete.status == .noContent)
            let after = try await client.mcp(MCPWire.legacy("ping", id: 7), token: alice, session: session)
            #expect(after.status == .notFound)
        }
        let refusals = try await hub.events()
        #expect(refusals.allSatisfy { $0.status == .denied && $0.channel == .mcp && $0.provider == "mcp" })
        let stolen = refusals.filter { $0.stage == "authenticate" }
        #expect(stolen.count == 1 && stolen.first?.error?.contains("another caller") == true)
    }

    @Test func anOversizedBodyIsRefusedAndAuditedLikeAtREST() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let huge = String(repeating: "x", count: HubRouter.maxBodyBytes + 1)
            let refused = try await client.mcpRaw(huge, token: viewer, headers: [:])
            #expect(refused.status == .contentTooLarge)
            #expect(try refused.errorCode == -32600)
            let anonymous = try await client.mcpRaw(huge, token: nil, headers: [:])
            #expect(anonymous.status == .unauthorized)
        }
        let events = try await hub.events()
        #expect(events.count == 2 && events.allSatisfy { $0.channel == .mcp && $0.status == .denied })
        #expect(Set(events.compactMap(\.stage)) == ["validate", "authenticate"])
    }

    @Test func oneCallerCannotPushOtherCallersSessionsOut() {
        let sessions = MCPSessions(idleSeconds: 3600, capacity: 20)
        let alice = sessions.open(callerId: "alice", protocolVersion: "2025-11-25")
        for _ in 0..<100 { _ = sessions.open(callerId: "mallory", protocolVersion: "2025-11-25") }
        #expect(sessions.count(of: "mallory") == MCPSessions.perCaller)
        guard case .found = sessions.lookup(alice, callerId: "alice") else {
            Issue.record("alice's session was evicted by another caller's flood")
            return
        }
    }

    @Test func foreignOriginsAreRefusedConfiguredOnesAllowed() async throws {
        let hub = try Self.hub(hubExtra: "  mcp:\n    allowed_origins: [\"https://agent.example.com\"]")
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let evil = try await client.mcp(MCPWire.modern("tools/list", id: 1), token: viewer, origin: "http://evil.example")
            #expect(evil.status == .forbidden)
            let allowed = try await client.mcp(MCPWire.modern("tools/list", id: 2), token: viewer, origin: "https://agent.example.com")
            #expect(allowed.status == .ok)
        }
    }

    @Test func legacyCancellationWithdrawsTheCallAndIsAuditedCancelled() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.cFixtureMCP(library: try CFixtures.library(.working), napTimeout: 20_000),
            secrets: ["cfixture_token": "x"])
        let operatorToken = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            let initialize = try await client.mcp(MCPWire.legacyInitialize(id: 1), token: operatorToken, modernHeaders: false)
            let session = try #require(initialize.headers[HTTPField.Name("Mcp-Session-Id")!])
            async let call = client.mcp(
                MCPWire.legacy("tools/call", id: 9, params: ["name": "cfixture_nap", "arguments": ["ms": 15_000]]),
                token: operatorToken, session: session)
            // Wait until the provider is really running, then cancel.
            try await waitUntil { hub.runtime.registry.generation.callsInFlight > 0 }
            let cancel = try await client.mcp(
                MCPWire.notification("notifications/cancelled", params: ["requestId": 9, "reason": "user stopped"]),
                token: operatorToken, session: session)
            #expect(cancel.status == .accepted)
            _ = try await call
        }
        let event = try #require(try await hub.events().first)
        #expect(event.status == .cancelled && event.tool == "nap" && event.channel == .mcp)
    }

    @Test func aTimeoutIsAnIsErrorResultAuditedTimeout() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.cFixtureMCP(library: try CFixtures.library(.working), napTimeout: 200),
            secrets: ["cfixture_token": "x"])
        let operatorToken = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            let call = MCPWire.modern("tools/call", id: 1, params: ["name": "cfixture_nap", "arguments": ["ms": 5000]])
            let reply = try await client.mcp(call, token: operatorToken, name: "cfixture_nap")
            #expect(try reply.result["isError"] == .bool(true))
            #expect(try reply.text.contains("timeout"))
        }
        let event = try #require(try await hub.events().first)
        #expect(event.status == .timeout && event.channel == .mcp)
    }

    @Test func progressReachesAClientThatAskedForIt() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.cFixtureMCP(library: try CFixtures.library(.working), napTimeout: 5000),
            secrets: ["cfixture_token": "x"])
        let operatorToken = try await hub.token(.opsOperator)
        try await hub.application.test(.router) { client in
            let call = MCPWire.modern(
                "tools/call", id: 1,
                params: ["name": "cfixture_nap", "arguments": ["ms": 200], "_meta": ["progressToken": "p1"]])
            let reply = try await client.mcp(call, token: operatorToken, name: "cfixture_nap")
            #expect(reply.headers[.contentType] == "text/event-stream")
            let messages = reply.events
            let progress = messages.filter { $0["method"] == .string("notifications/progress") }
            #expect(!progress.isEmpty)
            #expect(progress.allSatisfy { $0["params"]?["progressToken"] == .string("p1") })
            #expect(messages.last?["result"]?["isError"] == .bool(false))
        }
    }

    @Test func aReloadTellsSubscribedClientsTheirToolsChanged() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        let endpoint = MCPEndpoint(hub: hub.runtime)
        let listen = MCPWire.modern("subscriptions/listen", id: "listen-1", params: ["notifications": ["toolsListChanged": true]])
        let answer = await endpoint.handle(MCPHTTPRequest(
            method: .post, headers: MCPWire.headers(token: viewer, method: "subscriptions/listen"),
            body: Array(listen.serialized.utf8), requestId: "r1", disconnect: nil))
        guard case .events(_, let messages) = answer else {
            Issue.record("expected an event stream, got \(answer)")
            return
        }
        var iterator = messages.makeAsyncIterator()
        let acknowledged = await iterator.next()
        #expect(acknowledged?["method"] == .string("notifications/subscriptions/acknowledged"))
        #expect(acknowledged?["params"]?["notifications"]?["toolsListChanged"] == .bool(true))
        // The admin removes a provider: the viewer's list shrinks, so the stream says so.
        try hub.writeConfig(providers: ProviderYAML.template())
        _ = try await hub.runtime.reload()
        let changed = await iterator.next()
        #expect(changed?["method"] == .string("notifications/tools/list_changed"))
        #expect(changed?["params"]?["_meta"]?[MCPRevision.metaSubscriptionId] == .string("listen-1"))
    }

    @Test func toolNamesThatCollideAfterMappingRefuseTheLaterProvider() throws {
        #expect(MCPToolName.of(provider: "socket", tool: "scan.repo") == "socket_scan_repo")
        #expect(MCPToolName.isValid("socket_scan_repo"))
        #expect(!MCPToolName.isValid(String(repeating: "a", count: 65)))
        #expect(!MCPToolName.isValid("a.b"))
    }

    @Test func anABI10ProviderStillLoadsAndServesOnThis11Host() async throws {
        let hub = try TestHub(
            providers: """
              cfixture:
                library: \(try CFixtures.library(.abi10))
                vault_key: cfixture_token
                tools:
                  - { name: add, min_role: ops_viewer, timeout_ms: 2000 }
            """, secrets: ["cfixture_token": "x"])
        let provider = try #require(hub.runtime.registry.generation.providers["cfixture"])
        #expect(provider.manifest.abiMinor == 0)
        let add = try #require(provider.tools["add"])
        #expect(add.title == nil && add.outputSchemaText == nil)
        #expect(add.hints.readOnly)  // derived from its category, reads
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let reply = try await client.call("cfixture", "add", #"{"a":40,"b":2}"#, token: viewer)
            #expect(reply.status == .ok)
            #expect(try reply.json["sum"] == .number(42))
        }
    }
}

// MARK: - Wire helpers

enum MCPWire {
    static func meta(version: String = MCPRevision.modern) -> JSONValue {
        [MCPRevision.metaProtocolVersion: .string(version), MCPRevision.metaClientCapabilities: [:]]
    }

    static func modern(_ method: String, id: JSONValue, params: [String: JSONValue] = [:], version: String = MCPRevision.modern) -> JSONValue {
        var params = params
        var meta = meta(version: version).objectValue ?? [:]
        for (key, value) in params["_meta"]?.objectValue ?? [:] { meta[key] = value }
        params["_meta"] = .object(meta)
        return ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
    }

    static func legacy(_ method: String, id: JSONValue, params: [String: JSONValue] = [:]) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]
    }

    static func notification(_ method: String, params: [String: JSONValue]) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": .object(params)]
    }

    static func legacyInitialize(id: JSONValue) -> JSONValue {
        legacy("initialize", id: id, params: [
            "protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "test", "version": "1"],
        ])
    }

    static func headers(token: String, method: String) -> [String: String] {
        ["authorization": "Bearer \(token)", "mcp-protocol-version": MCPRevision.modern, "mcp-method": method,
         "accept": "application/json, text/event-stream"]
    }
}

struct MCPReply {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    var json: JSONValue { get throws { try JSONValue.parse(Array(body.utf8)) } }
    var result: JSONValue {
        get throws {
            guard let result = try json["result"] else { throw FixtureError("no result in \(body)") }
            return result
        }
    }
    var errorCode: Int? { get throws { try json["error"]?["code"]?.numberValue.map { Int($0) } } }
    /// The text blocks of a tool result, joined.
    var text: String {
        get throws {
            try result["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(separator: "\n") ?? ""
        }
    }
    /// The messages of a text/event-stream reply.
    var events: [JSONValue] {
        body.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix("data: ") else { return nil }
            return try? JSONValue.parse(Array(line.dropFirst(6).utf8))
        }
    }
}

extension TestClientProtocol {
    /// POSTs one JSON-RPC message to /mcp with the headers a 2026-07-28 client sends (unless
    /// `modernHeaders` is false, or a session is given: the handshake era).
    func mcp(
        _ message: JSONValue, token: String?, name: String? = nil, method: String? = nil, version: String? = nil,
        session: String? = nil, modernHeaders: Bool = true, origin: String? = nil
    ) async throws -> MCPReply {
        var headers: [String: String] = ["accept": "application/json, text/event-stream"]
        if let token { headers["authorization"] = "Bearer \(token)" }
        if let session {
            headers["mcp-session-id"] = session
            headers["mcp-protocol-version"] = "2025-06-18"
        } else if modernHeaders {
            headers["mcp-protocol-version"] = version ?? MCPRevision.modern
            if let bodyMethod = message["method"]?.stringValue { headers["mcp-method"] = method ?? bodyMethod }
            if let name { headers["mcp-name"] = name }
        }
        if let origin { headers["origin"] = origin }
        return try await mcpRaw(message.serialized, token: nil, headers: headers)
    }

    func mcpRaw(_ body: String, token: String?, headers: [String: String]) async throws -> MCPReply {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let token { fields[.authorization] = "Bearer \(token)" }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let response = try await execute(uri: "/mcp", method: .post, headers: fields, body: ByteBuffer(string: body))
        return MCPReply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}

extension ProviderYAML {
    /// The C fixture with every tool the MCP tests use.
    static func cFixtureMCP(library: String, rateLimits: String = "", napTimeout: Int = 2000) -> String {
        cFixture(
            library: library, rateLimits: rateLimits, napTimeout: napTimeout,
            extraTools: "      - { name: throttle, min_role: ops_viewer, timeout_ms: 2000 }")
    }
}

/// Waits for a condition without a wall-clock assertion: polls, and gives up only after a
/// generous bound (a stalled 2-core machine is slow, not wrong).
func waitUntil(_ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<3000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw FixtureError("condition not met within 30 s")
}
