import Foundation

/// A dedicated thread that runs `action` every `interval` until stopped.
///
/// A thread rather than a Task: the action does blocking I/O (libpq, file reads), which must not
/// occupy a thread of Swift's cooperative pool.
final class SecretRefresher: Sendable {
    private let interval: Duration
    private let action: @Sendable () -> Void
    private let condition = NSCondition()
    private let state = VaultLocked<State>(.idle)

    private enum State { case idle, running, stopping }

    init(interval: Duration, action: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.action = action
    }

    func start() {
        let shouldStart = state.withLock { state in
            switch state {
            case .idle: state = .running; return true
            case .stopping: state = .running; return false  // its thread has not exited yet: keep it
            case .running: return false
            }
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in loop() }
        thread.name = "mcp-hub.vault-refresh"
        thread.start()
    }

    /// Asks the thread to finish; it exits at its next wake-up, which `stop` brings forward.
    func stop() {
        state.withLock { state in if case .running = state { state = .stopping } }
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while true {
            condition.lock()
            if isRunning { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
            condition.unlock()
            guard isRunning else { break }
            action()
        }
        state.withLock { $0 = .idle }
    }

    private var isRunning: Bool { state.withLock { if case .running = $0 { true } else { false } } }
}
