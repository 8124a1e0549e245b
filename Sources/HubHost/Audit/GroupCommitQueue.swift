import Foundation

/// Group commit on a dedicated thread: appenders queue items and suspend; the thread takes
/// everything queued (up to `maxBatch`), hands it to `commit` as one batch (one transaction, one
/// fsync), then resumes every waiter with its own outcome.
///
/// The thread is a plain `Thread`, not a task: `commit` blocks in libpq or SQLite, and blocking
/// Swift's cooperative pool would stall unrelated requests.
final class GroupCommitQueue<Item: Sendable>: @unchecked Sendable {
    /// One outcome per item, in order.
    typealias Commit = ([Item]) -> [Result<Void, any Error>]
    /// Work to do between batches (the PostgreSQL spool forwarder); returns when it wants to run
    /// again even if nothing is queued, or nil to wait for the next append.
    typealias Idle = () -> Date?

    private let condition = NSCondition()
    private var pending: [(item: Item, waiter: CheckedContinuation<Void, any Error>)] = []
    private var closing = false
    private var finished = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private let maxBatch: Int
    private let commit: Commit
    private let idle: Idle?

    init(name: String, maxBatch: Int, commit: @escaping Commit, idle: Idle? = nil) {
        self.maxBatch = maxBatch
        self.commit = commit
        self.idle = idle
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Returns once `commit` has reported this item's outcome.
    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            condition.lock()
            guard !closing else {
                condition.unlock()
                waiter.resume(throwing: AuditStoreError.closed)
                return
            }
            pending.append((item, waiter))
            condition.signal()
            condition.unlock()
        }
    }

    /// Refuses new items, commits those already queued, and returns when the thread has exited.
    func shutdown() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            condition.lock()
            if finished {
                condition.unlock()
                waiter.resume()
                return
            }
            closing = true
            closeWaiters.append(waiter)
            condition.signal()
            condition.unlock()
        }
    }

    private func run() {
        // Idle work runs once at start: a spool left by an earlier run forwards now, not at the
        // first append.
        var wakeAt = idle?()
        while true {
            condition.lock()
            while pending.isEmpty && !closing {
                if let deadline = wakeAt {
                    if !condition.wait(until: deadline) { break }
                } else {
                    condition.wait()
                }
            }
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let done = closing && pending.isEmpty
            condition.unlock()

            if !batch.isEmpty {
                let outcomes = commit(batch.map(\.item))
                for (index, entry) in batch.enumerated() {
                    switch index < outcomes.count ? outcomes[index] : .failure(AuditStoreError.database("no outcome reported")) {
                    case .success: entry.waiter.resume()
                    case .failure(let error): entry.waiter.resume(throwing: error)
                    }
                }
            }
            if done { break }
            wakeAt = idle?()
        }
        condition.lock()
        finished = true
        let waiters = closeWaiters
        closeWaiters = []
        condition.unlock()
        waiters.forEach { $0.resume() }
    }
}
