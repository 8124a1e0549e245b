import ProviderABI

/// Runs one call into a provider on the invocation pool, bounded by a deadline. When the
/// deadline passes first, the call's cancel flag is set and the caller gets `.timedOut` at once;
/// the provider's thread finishes in its own time (the context stays alive until it does) and
/// whatever it produces then is dropped.
enum ProviderCall {
    enum Outcome: Sendable {
        case returned(hub_status)
        case timedOut
    }

    static func run(
        on pool: InvocationPool, context: CallContext, deadline: ContinuousClock.Instant,
        _ body: @escaping @Sendable (CallContext) -> hub_status
    ) async throws(InvocationPool.Saturated) -> Outcome {
        let box = ResultBox<Outcome>()
        try pool.submit { box.fulfil(.returned(body(context))) }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { box.fulfil(.timedOut) }
        }
        let outcome = await box.value
        timer.cancel()
        if case .timedOut = outcome { context.cancel() }
        return outcome
    }
}
