import Foundation

/// One HTTP request to the MCP endpoint, as the endpoint needs it (no web framework types).
struct MCPHTTPRequest: Sendable {
    enum Method: Sendable {
        case post, get, delete, other(String)

        var name: String {
            switch self {
            case .post: "POST"
            case .get: "GET"
            case .delete: "DELETE"
            case .other(let name): name
            }
        }
    }

    var method: Method
    var headers: [String: String]  // lower-cased names
    var body: [UInt8]
    var requestId: String
    /// Withdraws calls in flight when the client's connection closes.
    var disconnect: CallCancellation?

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// What the endpoint answers; the HTTP layer writes it.
enum MCPHTTPResponse: Sendable {
    case json(status: Int, body: JSONValue, headers: [(name: String, value: String)])
    /// 202 (a notification or a client response), 204, 405 and the like: no body.
    case empty(status: Int, headers: [(name: String, value: String)])
    /// `text/event-stream`: each message is one SSE event; the stream ends the response.
    case events(headers: [(name: String, value: String)], messages: AsyncStream<JSONValue>)
}

/// The Model Context Protocol door: JSON-RPC over Streamable HTTP, both eras on one endpoint
/// (2026-07-28, stateless; and the handshake era, 2025-11-25/06-18/03-26, with sessions). It owns
/// no policy: `tools/list` asks `ToolAccess`, `tools/call` runs the same `ToolCallPipeline` as
/// REST, and every call writes the same one audit event, with channel `mcp`.
final class MCPEndpoint: Sendable {
    let hub: HubRuntime
    let settings: MCPSettings
    let sessions: MCPSessions
    /// `<public_url><path>`: the protected resource's identifier (RFC 9728).
    let resourceURL: String
    let metadataURL: String
    let serverInfo: JSONValue

    init(hub: HubRuntime) {
        self.hub = hub
        settings = hub.config.hub.mcp
        sessions = MCPSessions(idleSeconds: settings.sessionIdleSeconds, capacity: settings.maxSessions)
        let listen = hub.config.hub.listen
        let base = settings.publicURL ?? "http://\(listen)"
        resourceURL = base + settings.path
        metadataURL = base + "/.well-known/oauth-protected-resource" + settings.path
        serverInfo = ["name": "mcp-hub", "title": "mcp-hub", "version": .string(HubVersion.current)]
    }

    static let instructions = """
        mcp-hub gives you the company's ops services (Socket supply-chain scans, Sentry errors, \
        Netdata metrics) under your own identity. Tool names are <provider>_<tool>. Every call is \
        authorised by your role, rate-limited and audited. A call that fails returns isError with \
        the reason; when it says to retry after N seconds, wait that long before trying again.
        """

    // MARK: Entry

    func handle(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        if let refusal = checkOrigin(request) { return refusal }
        switch request.method {
        case .post: return await post(request)
        case .get: return await get(request)
        case .delete: return await delete(request)
        case .other(let method): return Self.methodNotAllowed(method, allow: "DELETE, GET, POST")
        }
    }

    /// DNS-rebinding defence: a browser names the page's origin; only configured ones (and the
    /// hub's own) may call. Clients that are not browsers send no Origin and are unaffected.
    private func checkOrigin(_ request: MCPHTTPRequest) -> MCPHTTPResponse? {
        guard let origin = request.header("origin") else { return nil }
        let normalized = MCPSettings.origin(origin)
        let own = settings.publicURL.flatMap(MCPSettings.origin)
        if let normalized, settings.allowedOrigins.contains(normalized) || normalized == own { return nil }
        let error = MCPError(.invalidRequest, "origin '\(origin.clipped(100))' is not allowed (hub.mcp.allowed_origins)", httpStatus: 403)
        return .json(status: 403, body: error.body, headers: [])
    }

    // MARK: POST

    private func post(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        let parsed = Result { () throws(MCPError) in try JSONRPCMessage.parse(request.body) }
        let caller: Caller
        do {
            caller = try await hub.authenticator.caller(forAuthorization: request.header("authorization"))
        } catch {
            return await unauthenticated(request, message: try? parsed.get())
        }
        let message: JSONRPCMessage
        switch parsed {
        case .success(let value): message = value
        case .failure(let error):
            await auditRefusal(request, caller: caller, tool: "(unparsed)", stage: .validate, error: error.message)
            return reply(error)
        }
        do throws(MCPError) {
            if message.method == "initialize" { return try initialize(message, caller: caller, request: request) }
            if let version = message.params["_meta"]?["io.modelcontextprotocol/protocolVersion"] {
                return try await modern(message, version: version, caller: caller, request: request)
            }
            if request.header("mcp-protocol-version") == MCPRevision.modern {
                throw MCPError(.invalidParams, "a 2026-07-28 request carries params._meta[\"\(MCPRevision.metaProtocolVersion)\"]", httpStatus: 400)
            }
            return try await legacy(message, caller: caller, request: request)
        } catch {
            // A refused request is an attempt like any other: on record, under its method.
            await auditRefusal(
                request, caller: caller, tool: message.method?.clipped(64) ?? "(response)", stage: error.stage,
                error: error.message)
            return reply(error.withId(message.id))
        }
    }

    /// A missing or bad token: 401 with the metadata that tells an MCP client where to sign in,
    /// and the attempt audited like one at REST (through the pipeline, which refuses it at
    /// `authenticate`): a tool call under its tool's name, anything else as `mcp` + method.
    private func unauthenticated(_ request: MCPHTTPRequest, message: JSONRPCMessage?) async -> MCPHTTPResponse {
        var headers = [("WWW-Authenticate", "Bearer resource_metadata=\"\(metadataURL)\"")]
        // The method is the caller's text: kept short in the audit row.
        let target = message.flatMap { auditTarget(of: $0) } ?? (provider: "mcp", tool: message?.method?.clipped(64) ?? "unknown")
        let reply = await hub.pipeline.handle(
            requestId: request.requestId, provider: target.provider, tool: target.tool, body: request.body,
            authorization: request.header("authorization"),
            origin: CallOrigin(channel: .mcp, protocolVersion: protocolVersion(of: message, request: request)))
        if let eventId = reply.eventId { headers.append(("X-Run-Event-Id", eventId.uuidString.lowercased())) }
        let error = MCPError(.invalidRequest, "a valid bearer token is required", id: message?.id, httpStatus: 401)
        return .json(status: 401, body: error.body, headers: headers)
    }

    /// A body over the limit is refused like REST refuses one: authenticated first (401, audited,
    /// when the token is bad), then refused at validate and audited — as `mcp`, since the unread
    /// body names no tool.
    func refuseOversizedBody(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        let caller: Caller
        do {
            caller = try await hub.authenticator.caller(forAuthorization: request.header("authorization"))
        } catch {
            return await unauthenticated(request, message: nil)
        }
        let limit = "the body exceeds \(HubRouter.maxBodyBytes) bytes"
        await auditRefusal(request, caller: caller, tool: "(unread body)", stage: .validate, error: limit)
        let error = MCPError(.invalidRequest, limit, httpStatus: 413)
        return .json(status: 413, body: error.body, headers: [])
    }

    private func auditTarget(of message: JSONRPCMessage) -> (provider: String, tool: String)? {
        guard message.method == "tools/call", let name = message.params["name"]?.stringValue,
            let tool = hub.registry.generation.toolsByMCPName[name]
        else { return nil }
        return (tool.provider, tool.name)
    }

    private func protocolVersion(of message: JSONRPCMessage?, request: MCPHTTPRequest) -> String? {
        message?.params["_meta"]?["io.modelcontextprotocol/protocolVersion"]?.stringValue ?? request.header("mcp-protocol-version")
    }

    // MARK: 2026-07-28

    private func modern(
        _ message: JSONRPCMessage, version: JSONValue, caller: Caller, request: MCPHTTPRequest
    ) async throws(MCPError) -> MCPHTTPResponse {
        guard let method = message.method else { return .empty(status: 202, headers: []) }
        // Headers first: a gateway that routes or limits on them must not be fooled by the body.
        guard let headerVersion = request.header("mcp-protocol-version") else {
            throw MCPError(.headerMismatch, "the MCP-Protocol-Version header is required")
        }
        guard case .string(let requested) = version, headerVersion == requested else {
            throw MCPError(.headerMismatch, "Header mismatch: MCP-Protocol-Version header value '\(headerVersion.clipped(40))' does not match body value '\(version.stringValue?.clipped(40) ?? version.typeName)'")
        }
        guard requested == MCPRevision.modern else {
            throw MCPError(
                .unsupportedProtocolVersion, "Unsupported protocol version",
                data: ["supported": .array(MCPRevision.all.map { .string($0) }), "requested": .string(requested.clipped(40))])
        }
        guard case .object? = message.params["_meta"]?["io.modelcontextprotocol/clientCapabilities"] else {
            throw MCPError(.invalidParams, "params._meta[\"\(MCPRevision.metaClientCapabilities)\"] is required", httpStatus: 400)
        }
        guard case .request(let id, _, let params) = message else { return .empty(status: 202, headers: []) }
        try checkStandardHeaders(method: method, params: params, request: request)
        switch method {
        case "server/discover":
            return result(id: id, modern: true, [
                "supportedVersions": .array(MCPRevision.all.map { .string($0) }),
                "capabilities": capabilities, "instructions": .string(Self.instructions),
                "ttlMs": .number(Double(settings.listTTLSeconds * 1000)), "cacheScope": "public",
            ])
        case "tools/list":
            var list = try toolsList(params: params, caller: caller, revision: MCPRevision.modern)
            list["ttlMs"] = .number(Double(settings.listTTLSeconds * 1000))
            list["cacheScope"] = "private"  // it depends on who asks
            return result(id: id, modern: true, list)
        case "tools/call":
            return try await toolsCall(
                id: id, params: params, caller: caller, revision: MCPRevision.modern, request: request, session: nil)
        case "subscriptions/listen":
            return listen(id: id, params: params, caller: caller, disconnect: request.disconnect)
        default:
            throw MCPError(.methodNotFound, "method '\(method.clipped(80))' is not served here (this hub serves tools)")
        }
    }

    /// `Mcp-Method` must name the body's method, and `Mcp-Name` the tool a `tools/call` calls.
    private func checkStandardHeaders(method: String, params: [String: JSONValue], request: MCPHTTPRequest) throws(MCPError) {
        guard let headerMethod = request.header("mcp-method") else {
            throw MCPError(.headerMismatch, "the Mcp-Method header is required")
        }
        guard headerMethod == method else {
            throw MCPError(.headerMismatch, "Header mismatch: Mcp-Method header value '\(headerMethod.clipped(80))' does not match body value '\(method.clipped(80))'")
        }
        let nameKey: String? = switch method {
        case "tools/call", "prompts/get": "name"
        case "resources/read": "uri"
        default: nil
        }
        guard let nameKey else { return }
        guard let raw = request.header("mcp-name") else {
            throw MCPError(.headerMismatch, "the Mcp-Name header is required for \(method)")
        }
        guard let headerName = Self.decodeHeaderValue(raw) else {
            throw MCPError(.headerMismatch, "the Mcp-Name header is not valid (plain ASCII or =?base64?…?=)")
        }
        let bodyName = params[nameKey]?.stringValue
        guard headerName == bodyName else {
            throw MCPError(.headerMismatch, "Header mismatch: Mcp-Name header value '\(headerName.clipped(80))' does not match body value '\(bodyName?.clipped(80) ?? "(none)")'")
        }
    }

    /// Header values that are not plain ASCII travel as `=?base64?<base64 of UTF-8>?=`.
    static func decodeHeaderValue(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else {
            return value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } ? value : nil
        }
        let encoded = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else { return nil }
        return text
    }

    // MARK: Handshake era

    private func initialize(_ message: JSONRPCMessage, caller: Caller, request: MCPHTTPRequest) throws(MCPError) -> MCPHTTPResponse {
        guard case .request(let id, _, let params) = message else {
            throw MCPError(.invalidRequest, "initialize is a request (it needs an id)")
        }
        let asked = params["protocolVersion"]?.stringValue
        // The client's revision if it is one we speak; otherwise our newest handshake revision,
        // and the client decides whether it can use it (lifecycle: version negotiation).
        let version = asked.flatMap { MCPRevision.legacy.contains($0) ? $0 : nil } ?? MCPRevision.legacy[0]
        let sessionId = sessions.open(callerId: caller.id, protocolVersion: version)
        let body = JSONRPCMessage.result(id: id, [
            "protocolVersion": .string(version), "capabilities": capabilities, "serverInfo": serverInfo,
            "instructions": .string(Self.instructions),
        ])
        return .json(status: 200, body: body, headers: [("Mcp-Session-Id", sessionId), ("X-Request-Id", request.requestId)])
    }

    private func legacy(_ message: JSONRPCMessage, caller: Caller, request: MCPHTTPRequest) async throws(MCPError) -> MCPHTTPResponse {
        let session = try session(for: request, caller: caller)
        if let header = request.header("mcp-protocol-version"), !MCPRevision.legacy.contains(header) {
            throw MCPError(.invalidRequest, "MCP-Protocol-Version '\(header.clipped(40))' is not one this session can speak (\(MCPRevision.legacy.joined(separator: ", ")))", httpStatus: 400)
        }
        switch message {
        case .response:
            return .empty(status: 202, headers: [])
        case .notification(let method, let params):
            if method == "notifications/cancelled", let requestId = params["requestId"] {
                sessions.cancel(requestId, in: session.id)
            }
            return .empty(status: 202, headers: [])
        case .request(let id, let method, let params):
            switch method {
            case "ping":
                return .json(status: 200, body: JSONRPCMessage.result(id: id, [:]), headers: [])
            case "tools/list":
                return result(id: id, modern: false, try toolsList(params: params, caller: caller, revision: session.protocolVersion))
            case "tools/call":
                return try await toolsCall(
                    id: id, params: params, caller: caller, revision: session.protocolVersion, request: request,
                    session: session.id)
            default:
                throw MCPError(.methodNotFound, "method '\(method.clipped(80))' is not served here (this hub serves tools)")
            }
        }
    }

    /// The caller's own session, or the refusal the transport defines: 400 without an id, 404
    /// for one that is unknown or expired (the client initializes again), 403 — audited — for a
    /// session that belongs to someone else.
    private func session(for request: MCPHTTPRequest, caller: Caller) throws(MCPError) -> MCPSessions.Session {
        guard let id = request.header("mcp-session-id") else {
            throw MCPError(.invalidRequest, "the Mcp-Session-Id header is required (send initialize first, or use MCP 2026-07-28)", httpStatus: 400)
        }
        switch sessions.lookup(id, callerId: caller.id) {
        case .found(let session):
            return session
        case .unknown:
            throw MCPError(.invalidRequest, "session not found or expired: initialize again", httpStatus: 404)
        case .otherCaller:
            // Audited by the caller of this function, like every refusal (the id is not recorded).
            var error = MCPError(.invalidRequest, "this session belongs to another caller", httpStatus: 403)
            error.stage = .authenticate
            throw error
        }
    }

    /// The audit event of an MCP refusal that never reaches the tool pipeline (it names no tool):
    /// provider `mcp`, the method as the tool, channel `mcp`.
    private func auditRefusal(_ request: MCPHTTPRequest, caller: Caller, tool: String, stage: Stage, error: String) async {
        let event = AuditEvent(
            requestId: request.requestId, provider: "mcp", tool: tool, callerId: caller.id,
            callerRole: caller.role.rawValue, team: caller.team, status: .denied, stage: stage.rawValue,
            error: error, durationMs: 0, channel: .mcp, protocolVersion: request.header("mcp-protocol-version"))
        do {
            try await hub.audit.append(event)
        } catch {
            hub.logger.critical("audit append failed for a refused MCP request", metadata: ["request_id": .string(request.requestId)])
        }
    }

    // MARK: GET and DELETE (handshake-era sessions only)

    private func get(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        await withOwnSession(request) { caller, session throws(MCPError) in
            guard let (stream, outlet) = sessions.notifications(for: session.id) else {
                throw MCPError(.invalidRequest, "session not found or expired: initialize again", httpStatus: 404)
            }
            forwardToolChanges(for: caller.role, to: outlet, as: JSONRPCMessage.notification("notifications/tools/list_changed", [:]))
            request.disconnect?.onCancel { outlet.finish() }
            return .events(headers: [("X-Accel-Buffering", "no")], messages: stream)
        }
    }

    private func delete(_ request: MCPHTTPRequest) async -> MCPHTTPResponse {
        await withOwnSession(request) { _, session throws(MCPError) in
            sessions.close(session.id)
            return .empty(status: 204, headers: [])
        }
    }

    /// GET and DELETE address a handshake-era session: without one they are not allowed here
    /// (405); with one, the caller must be who opened it.
    private func withOwnSession(
        _ request: MCPHTTPRequest, _ body: (Caller, MCPSessions.Session) throws(MCPError) -> MCPHTTPResponse
    ) async -> MCPHTTPResponse {
        guard request.header("mcp-session-id") != nil else {
            return Self.methodNotAllowed(
                request.method.name, allow: "POST", why: "outside a handshake-era session (2026-07-28 uses POST only)")
        }
        let caller: Caller
        do {
            caller = try await hub.authenticator.caller(forAuthorization: request.header("authorization"))
        } catch {
            return await unauthenticated(request, message: nil)
        }
        do throws(MCPError) {
            return try body(caller, try session(for: request, caller: caller))
        } catch {
            await auditRefusal(request, caller: caller, tool: request.method.name, stage: error.stage, error: error.message)
            return reply(error)
        }
    }

    // MARK: Tools

    private var capabilities: JSONValue { ["tools": ["listChanged": true]] }

    /// The tools the caller may call — `ToolAccess`, the rule calling and `GET /providers` use.
    private func toolsList(params: [String: JSONValue], caller: Caller, revision: String) throws(MCPError) -> [String: JSONValue] {
        if let cursor = params["cursor"], cursor != .null {
            throw MCPError(.invalidParams, "invalid cursor: this hub lists every tool in one page")
        }
        let generation = hub.registry.generation
        let tools = ToolAccess.callableTools(for: caller.role, in: generation).flatMap { _, tools in
            tools.map { MCPToolDescription.of($0, revision: revision) }
        }
        return ["tools": .array(tools)]
    }

    private func toolsCall(
        id: JSONValue, params: [String: JSONValue], caller: Caller, revision: String, request: MCPHTTPRequest,
        session: String?
    ) async throws(MCPError) -> MCPHTTPResponse {
        guard let name = params["name"]?.stringValue else {
            throw MCPError(.invalidParams, "tools/call needs params.name (a string)")
        }
        let arguments: JSONValue
        switch params["arguments"] {
        case nil, .null?: arguments = .object([:])
        case .object(let members)?: arguments = .object(members)
        case let other?: throw MCPError(.invalidParams, "params.arguments must be an object, found \(other.typeName)")
        }
        guard let tool = hub.registry.generation.toolsByMCPName[name] else {
            throw MCPError(.invalidParams, "Unknown tool: \(name.clipped(80))")
        }
        let cancellation = CallCancellation()
        request.disconnect?.onCancel { cancellation.cancel() }
        if let session { sessions.track(id, cancellation, in: session) }
        let progressToken = params["_meta"]?["progressToken"]
        let wantsEvents = progressToken != nil && (request.header("accept")?.contains("text/event-stream") ?? false)
        let (events, outlet) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(64))
        var origin = CallOrigin(channel: .mcp, protocolVersion: revision, cancellation: cancellation, verifiedCaller: caller)
        if wantsEvents, let progressToken {
            origin.progress = { report in
                var notification: [String: JSONValue] = ["progressToken": progressToken, "progress": .number(report.progress)]
                if let total = report.total { notification["total"] = .number(total) }
                if let message = report.message { notification["message"] = .string(message) }
                outlet.yield(JSONRPCMessage.notification("notifications/progress", .object(notification)))
            }
        }
        let run = { [hub, sessions] () async -> MCPHTTPResponse? in
            let reply = await hub.pipeline.handle(
                requestId: request.requestId, provider: tool.provider, tool: tool.name, body: Array(arguments.serialized.utf8),
                authorization: request.header("authorization"), origin: origin)
            if let session { sessions.untrack(id, in: session) }
            // A withdrawn call gets no answer (the caller asked for none, or has gone).
            if reply.status == HubError.Code.cancelled.httpStatus { return nil }
            let body = JSONRPCMessage.result(
                id: id, MCPCallResult.of(reply, revision: revision, modern: revision == MCPRevision.modern, serverInfo: self.serverInfo))
            return .json(status: 200, body: body, headers: MCPCallResult.headers(of: reply))
        }
        guard wantsEvents else {
            return await run() ?? .empty(status: 204, headers: [])
        }
        Task {
            if case .json(_, let body, _)? = await run() { outlet.yield(body) }
            outlet.finish()
        }
        return .events(headers: [("X-Accel-Buffering", "no"), ("X-Request-Id", request.requestId)], messages: events)
    }

    // MARK: Notifications of tool-list changes

    /// `subscriptions/listen` (2026-07-28): an acknowledgement, then `tools/list_changed`
    /// whenever a reload changes what this caller may call.
    private func listen(id: JSONValue, params: [String: JSONValue], caller: Caller, disconnect: CallCancellation?) -> MCPHTTPResponse {
        let wantsTools = params["notifications"]?["toolsListChanged"]?.boolValue == true
        let subscription: JSONValue = ["_meta": [MCPRevision.metaSubscriptionId: id]]
        let (stream, outlet) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(16))
        var honoured: [String: JSONValue] = [:]
        if wantsTools { honoured["toolsListChanged"] = true }
        outlet.yield(JSONRPCMessage.notification(
            "notifications/subscriptions/acknowledged",
            ["_meta": [MCPRevision.metaSubscriptionId: id], "notifications": .object(honoured)]))
        if wantsTools {
            forwardToolChanges(for: caller.role, to: outlet, as: JSONRPCMessage.notification("notifications/tools/list_changed", subscription))
        }
        disconnect?.onCancel { outlet.finish() }  // the client closed the stream: end the subscription
        return .events(headers: [("X-Accel-Buffering", "no")], messages: stream)
    }

    /// Sends `notification` down `outlet` whenever a published generation changes what `role`
    /// may call (a tool added, removed, or its description or schema changed); stops when the
    /// stream ends (the client went away).
    private func forwardToolChanges(for role: OpsRole, to outlet: AsyncStream<JSONValue>.Continuation, as notification: JSONValue) {
        // The baseline is taken now, not when the task first runs: a reload published in between
        // would otherwise become the baseline and its change go unannounced.
        var visible = Self.visibleNames(for: role, in: hub.registry.generation)
        let changes = hub.registry.changes.subscribe()
        let task = Task {
            for await generation in changes {
                let now = Self.visibleNames(for: role, in: generation)
                guard now != visible else { continue }
                visible = now
                if case .terminated = outlet.yield(notification) { return }
            }
        }
        outlet.onTermination = { _ in task.cancel() }
    }

    static func visibleNames(for role: OpsRole, in generation: RegistryGeneration) -> Set<String> {
        Set(ToolAccess.callableTools(for: role, in: generation).flatMap { provider, tools in
            tools.map { "\(MCPToolName.of(provider: provider.name, tool: $0.name))|\($0.description)|\($0.schemaText)" }
        })
    }

    // MARK: Replies

    private func result(id: JSONValue, modern: Bool, _ fields: [String: JSONValue]) -> MCPHTTPResponse {
        var fields = fields
        if modern {
            fields["resultType"] = "complete"
            fields["_meta"] = [MCPRevision.metaServerInfo: serverInfo]
        }
        return .json(status: 200, body: JSONRPCMessage.result(id: id, .object(fields)), headers: [])
    }

    static func methodNotAllowed(_ method: String, allow: String, why: String = "") -> MCPHTTPResponse {
        let error = MCPError(.invalidRequest, "\(method.clipped(20)) is not allowed here\(why.isEmpty ? "" : " " + why)", httpStatus: 405)
        return .json(status: 405, body: error.body, headers: [("Allow", allow)])
    }

    private func reply(_ error: MCPError) -> MCPHTTPResponse {
        .json(status: error.httpStatus, body: error.body, headers: error.headers)
    }
}

extension String {
    /// At most `limit` characters, for echoing caller input into messages.
    func clipped(_ limit: Int) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }
}
