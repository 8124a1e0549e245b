import ProviderABI

/// Calls the provider on the invocation pool with the tool's deadline, then turns what it
/// reported into a result or a HubError. Known secret values are scrubbed from both before they
/// go anywhere (reply, log, audit row).
///
/// Two things bound what a call may take: a provider's share of the pool (`Bulkhead`: its
/// excess is refused at once with 503 + Retry-After, so one hung vendor cannot starve the
/// others), and `health`, which is answered by the `HealthMonitor` (its own thread, its own
/// bound: `down` with the reason rather than a 504).
struct Invoke: RequestStage {
    let pool: InvocationPool
    var bulkhead = Bulkhead()
    /// `hub.invoke_pool.per_provider`, for providers without `max_concurrency`.
    var perProviderLimit: Int = .max
    var health: HealthMonitor? = nil

    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let tool = request.tool, let input = request.input,
            let provider = request.generation.providers[tool.provider]
        else {
            throw HubError(.internal, "invoke ran before resolve and validate", stage: .invoke)
        }
        if tool.name == "health", let health {
            let report = await health.probe(provider)
            let result = (try? JSONValue.parse(report.resultText)) ?? .object(["status": .string(report.status)])
            request.outcome = ToolOutcome(result: result, resultText: report.resultText, hostsContacted: report.hostsContacted)
            return
        }
        let limit = provider.config.maxConcurrency ?? perProviderLimit
        guard bulkhead.acquire(tool.provider, limit: limit) else {
            throw HubError(
                .unavailable,
                "\(tool.provider) already has \(limit) calls in progress (its share of the invocation pool); retry shortly",
                stage: .invoke, headers: [(name: "Retry-After", value: "1")])
        }
        let deadline = ContinuousClock.now + .milliseconds(tool.policy.timeoutMs)
        let context = CallContext(
            provider: tool.provider, phase: .invoke, deadline: deadline, services: provider.services,
            progress: request.origin.progress)
        let arguments = Array(input.serialized.utf8)
        let outcome: ProviderCall.Outcome
        // The provider's thread, not the request, decides when this generation is idle: after a
        // timeout the request answers 504 while the provider may still be running its code.
        let generation = request.generation
        generation.beginCall()
        do {
            outcome = try await ProviderCall.run(
                on: pool, context: context, deadline: deadline, cancellation: request.origin.cancellation
            ) { [bulkhead] call in
                defer {
                    generation.endCall()
                    bulkhead.release(tool.provider)
                }
                return tool.invoke(call, arguments)
            }
        } catch {
            generation.endCall()  // refused before queueing: the job will never run
            bulkhead.release(tool.provider)
            throw HubError(.unavailable, "the hub is at capacity; retry shortly", stage: .invoke,
                           headers: [(name: "Retry-After", value: "1")])
        }
        let scrub = context.redactor
        switch outcome {
        case .timedOut:
            HostTable.logger.warning("\(tool.qualifiedName) timed out after \(tool.policy.timeoutMs) ms", metadata: [
                "request_id": .string(request.requestId), "hosts": .string(context.hostsContactedSoFar.joined(separator: ",")),
            ])
            var error = HubError(.timeout, "\(tool.qualifiedName) did not finish within \(tool.policy.timeoutMs) ms", stage: .invoke)
            error.hostsContacted = context.hostsContactedSoFar
            throw error
        case .cancelled:
            var error = HubError(.cancelled, "\(tool.qualifiedName) was cancelled by the caller", stage: .invoke)
            error.hostsContacted = context.hostsContactedSoFar
            throw error
        case .returned(HUB_OK):
            guard let bytes = context.result else {
                throw HubError(.internal, "\(tool.provider).\(tool.name) returned success without a result", stage: .invoke)
            }
            let text = scrub.redact(String(decoding: bytes, as: UTF8.self))
            guard let result = try? JSONValue.parse(text) else {
                throw HubError(.internal, "\(tool.provider).\(tool.name) returned a result that is not JSON", stage: .invoke)
            }
            request.outcome = ToolOutcome(
                result: result, resultText: text, hostsContacted: context.hostsContacted, refusals: context.refusals)
        case .returned(let status):
            let message = LogText.escaped(scrub.redact(context.error?.message ?? StatusName.of(status)))
            var error = HubError(
                Self.code(for: status), Self.words(for: status, tool: tool, message: message, context: context),
                stage: .invoke)
            if let seconds = context.retryAfterSeconds, status == HUB_E_RATE_LIMITED || status == HUB_E_UNAVAILABLE {
                error.headers.append((name: "Retry-After", value: String(seconds)))
            }
            error.hostsContacted = context.hostsContacted
            throw error
        }
    }

    /// The message a caller sees. Upstream throttling is worded as the vendor's limit (the hub's
    /// own says "per … for <role>"), and a rejected credential names the vault secrets the call
    /// read — what an admin must check — never their values.
    static func words(for status: hub_status, tool: ServedTool, message: String, context: CallContext) -> String {
        let prefix = "\(tool.provider).\(tool.name)"
        switch status {
        case HUB_E_RATE_LIMITED:
            let wait = context.retryAfterSeconds.map { "; retry in \($0) s" } ?? ""
            return "\(prefix): the upstream (\(tool.provider)'s vendor) is rate limiting the hub: \(message)\(wait)"
        case HUB_E_UPSTREAM_AUTH:
            let names = context.secretNamesRead.map { "'\($0)'" }.joined(separator: ", ")
            let check = names.isEmpty ? "" : "; check vault secret \(names) (mcp-hub secrets set)"
            return "\(prefix): the upstream rejected the hub's credential: \(message)\(check)"
        default:
            return "\(prefix): \(message)"
        }
    }

    static func code(for status: hub_status) -> HubError.Code {
        switch status {
        case HUB_E_ARGS: .invalidInput
        case HUB_E_DENIED: .forbidden
        case HUB_E_UPSTREAM: .upstreamError
        case HUB_E_TIMEOUT: .timeout
        case HUB_E_UNAVAILABLE: .unavailable
        case HUB_E_NOT_FOUND: .notFound
        case HUB_E_RATE_LIMITED: .rateLimited
        case HUB_E_UPSTREAM_AUTH: .upstreamError
        default: .internal
        }
    }
}
