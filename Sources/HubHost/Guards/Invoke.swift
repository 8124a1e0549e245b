import ProviderABI

/// Calls the provider on the invocation pool with the tool's deadline, then turns what it
/// reported into a result or a HubError. Known secret values are scrubbed from both before they
/// go anywhere (reply, log, audit row).
struct Invoke: RequestStage {
    let pool: InvocationPool

    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let tool = request.tool, let input = request.input,
            let provider = request.generation.providers[tool.provider]
        else {
            throw HubError(.internal, "invoke ran before resolve and validate", stage: .invoke)
        }
        let deadline = ContinuousClock.now + .milliseconds(tool.policy.timeoutMs)
        let context = CallContext(provider: tool.provider, phase: .invoke, deadline: deadline, services: provider.services)
        let arguments = Array(input.serialized.utf8)
        let outcome: ProviderCall.Outcome
        // The provider's thread, not the request, decides when this generation is idle: after a
        // timeout the request answers 504 while the provider may still be running its code.
        let generation = request.generation
        generation.beginCall()
        do {
            outcome = try await ProviderCall.run(on: pool, context: context, deadline: deadline) { call in
                defer { generation.endCall() }
                return tool.invoke(call, arguments)
            }
        } catch {
            generation.endCall()  // refused before queueing: the job will never run
            throw HubError(.unavailable, "the hub is at capacity; retry shortly", stage: .invoke,
                           headers: [(name: "Retry-After", value: "1")])
        }
        let scrub = SecretRedactor(secrets: context.secretsRead + provider.services.secretsToScrub())
        switch outcome {
        case .timedOut:
            throw HubError(.timeout, "\(tool.provider).\(tool.name) did not finish within \(tool.policy.timeoutMs) ms", stage: .invoke)
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
            let message = scrub.redact(context.error?.message ?? StatusName.of(status))
            var error = HubError(Self.code(for: status), "\(tool.provider).\(tool.name): \(message)", stage: .invoke)
            error.hostsContacted = context.hostsContacted
            throw error
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
        default: .internal
        }
    }
}
