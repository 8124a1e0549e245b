import Foundation

/// The request path for a tool call: the stages in order, then exactly one audit event, written
/// durably before the reply leaves — whatever happened, including refusals before the provider
/// ran. If the event cannot be written, the caller gets 503 instead of an unrecorded answer.
final class ToolCallPipeline: Sendable {
    let registry: Registry
    let stages: [any RequestStage]
    let audit: any AuditStore

    init(registry: Registry, authenticator: any CallerAuthenticator, counters: any RateLimitCounters,
         pool: InvocationPool, audit: any AuditStore, bulkhead: Bulkhead = Bulkhead(), perProviderLimit: Int = .max,
         health: HealthMonitor? = nil) {
        self.registry = registry
        self.audit = audit
        stages = [
            Authenticate(verifier: authenticator),
            ResolveTool(),
            Authorize(),
            RateLimit(counters: counters),
            Validate(),
            Invoke(pool: pool, bulkhead: bulkhead, perProviderLimit: perProviderLimit, health: health),
        ]
    }

    func handle(
        requestId: String, provider: String, tool: String, body: [UInt8], authorization: String?,
        origin: CallOrigin = .rest, bodyTooLarge: Bool = false
    ) async -> ToolCallReply {
        let generation = registry.beginCall()
        var request = ToolRequest(
            requestId: requestId, providerName: provider, toolName: tool, body: body, authorization: authorization,
            started: .now, receivedAt: Date(), generation: generation)
        request.origin = origin
        request.bodyTooLarge = bodyTooLarge
        var failure: HubError?
        do {
            for stage in stages { try await stage.apply(to: &request) }
        } catch let error as HubError {
            failure = error
        } catch {
            failure = HubError(.internal, "unexpected error", stage: .invoke, reason: "\(error)")
        }
        generation.endCall()
        let event = AuditEventBuilder.event(for: request, failure: failure)
        do {
            try await audit.append(event)
        } catch {
            HostTable.logger.critical("audit append failed; refusing to reply unrecorded", metadata: [
                "request_id": .string(requestId), "error": .string("\(error)"),
            ])
            return .error(HubError(.unavailable, "the audit trail is unavailable; the outcome could not be recorded", stage: .audit),
                          requestId: requestId, headers: request.responseHeaders, eventId: nil)
        }
        if let failure {
            return .error(failure, requestId: requestId, headers: request.responseHeaders, eventId: event.id)
        }
        return ToolCallReply(
            status: 200, body: Array((request.outcome?.resultText ?? "null").utf8),
            headers: request.responseHeaders, requestId: requestId, eventId: event.id)
    }
}

/// What the HTTP layer sends back.
struct ToolCallReply: Sendable {
    var status: Int
    var body: [UInt8]
    var headers: [(name: String, value: String)]
    var requestId: String
    var eventId: UUID?

    /// The contract's error shape: `{"error":{"code","message","request_id"}}`.
    static func error(
        _ error: HubError, requestId: String, headers: [(name: String, value: String)] = [], eventId: UUID?
    ) -> ToolCallReply {
        let body: JSONValue = .object([
            "error": .object([
                "code": .string(error.code.rawValue), "message": .string(error.message),
                "request_id": .string(requestId),
            ])
        ])
        let overridden = Set(error.headers.map(\.name))
        let merged = headers.filter { !overridden.contains($0.name) } + error.headers
        return ToolCallReply(
            status: error.code.httpStatus, body: Array(body.serialized.utf8), headers: merged, requestId: requestId,
            eventId: eventId)
    }
}

/// Builds the one audit event a request produces.
enum AuditEventBuilder {
    static let payloadCapBytes = 65_536
    static let severities: Set<String> = ["low", "medium", "high", "critical"]

    static func event(for request: ToolRequest, failure: HubError?) -> AuditEvent {
        let hosts = failure?.hostsContacted ?? request.outcome?.hostsContacted ?? []
        var uniqueHosts: [String] = []
        for host in hosts where !uniqueHosts.contains(host) { uniqueHosts.append(host) }
        let severity = request.outcome?.result["max_severity"]?.stringValue.flatMap { severities.contains($0) ? $0 : nil }
        return AuditEvent(
            id: UUID(), requestId: request.requestId, provider: request.providerName, tool: request.toolName,
            callerId: request.caller?.id, callerRole: request.caller?.role.rawValue ?? "unknown",
            team: request.caller?.team, status: failure?.auditStatus ?? .ok, stage: (failure?.stage ?? .invoke).rawValue,
            payload: payload(of: request), result: failure == nil ? request.outcome?.resultText : nil,
            error: (failure.map { $0.reason ?? $0.message } ?? refusalNote(request.outcome?.refusals ?? [])).map(LogText.escaped),
            durationMs: Int((ContinuousClock.now - request.started) / .milliseconds(1)),
            hostname: uniqueHosts.isEmpty ? nil : uniqueHosts.joined(separator: ","),
            severity: severity, createdAt: request.receivedAt, channel: request.origin.channel,
            protocolVersion: request.origin.protocolVersion,
            providerVersion: request.tool.flatMap { request.generation.providers[$0.provider]?.manifest.version })
    }

    private static func refusalNote(_ refusals: [String]) -> String? {
        refusals.isEmpty ? nil : "host refused during the call: " + refusals.joined(separator: "; ")
    }

    /// The input as JSON: the validated value when there is one; otherwise the body if it parses;
    /// otherwise the raw text as a JSON string (so a malformed attempt is still on record).
    private static func payload(of request: ToolRequest) -> String? {
        if let input = request.input { return input.serialized }
        guard !request.body.isEmpty else { return nil }
        if request.body.count <= payloadCapBytes, let parsed = try? JSONValue.parse(request.body) {
            return parsed.serialized
        }
        let text = String(decoding: request.body.prefix(payloadCapBytes), as: UTF8.self)
        return JSONValue.object(["unparsed_body": .string(text), "bytes": .number(Double(request.body.count))]).serialized
    }
}
