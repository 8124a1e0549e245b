import Foundation

/// Runs closures one at a time on a dedicated thread, so blocking database calls (queries,
/// verify) never occupy Swift's cooperative pool. Whatever the closures touch (a connection) is
/// confined to this thread.
final class BlockingExecutor: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<T, any Error>) in
            condition.lock()
            guard !stopping else {
                condition.unlock()
                waiter.resume(throwing: AuditStoreError.closed)
                return
            }
            jobs.append { waiter.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Runs the jobs already queued, then lets the thread exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
