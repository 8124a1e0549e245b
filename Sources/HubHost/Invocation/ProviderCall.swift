import ProviderABI
import Synchronization

/// Runs one call into a provider on the invocation pool, bounded by a deadline and by the
/// caller's cancellation. When either comes first, the call's cancel flag is set and the caller
/// gets `.timedOut` / `.cancelled` at once; the provider's thread finishes in its own time (the
/// context stays alive until it does) and whatever it produces then is dropped.
enum ProviderCall {
    enum Outcome: Sendable {
        case returned(hub_status)
        case timedOut
        case cancelled
    }

    static func run(
        on pool: any JobSubmitter, context: CallContext, deadline: ContinuousClock.Instant,
        cancellation: CallCancellation? = nil,
        _ body: @escaping @Sendable (CallContext) -> hub_status
    ) async throws(InvocationPool.Saturated) -> Outcome {
        let box = ResultBox<Outcome>()
        try pool.submit { box.fulfil(.returned(body(context))) }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { box.fulfil(.timedOut) }
        }
        cancellation?.onCancel { box.fulfil(.cancelled) }
        let outcome = await withTaskCancellationHandler {
            await box.value
        } onCancel: {
            box.fulfil(.cancelled)
        }
        timer.cancel()
        switch outcome {
        case .timedOut, .cancelled: context.cancel()
        case .returned: break
        }
        return outcome
    }
}

/// The caller's way to withdraw a call in flight (MCP's `notifications/cancelled`, a closed
/// response stream). Cancelling twice, or before anyone listens, is fine: a late listener is
/// told at once.
final class CallCancellation: Sendable {
    private enum State { case live([@Sendable () -> Void]), cancelled }
    private let state = Mutex<State>(.live([]))

    func cancel() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard case .live(let handlers) = state else { return [] }
            state = .cancelled
            return handlers
        }
        handlers.forEach { $0() }
    }

    var isCancelled: Bool {
        state.withLock { if case .cancelled = $0 { true } else { false } }
    }

    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            guard case .live(var handlers) = state else { return true }
            handlers.append(handler)
            state = .live(handlers)
            return false
        }
        if now { handler() }
    }
}
