import Foundation
import Synchronization

/// A fixed set of threads that run provider calls. Providers block (libcurl, libpq), so they
/// must never run on Swift's cooperative pool, where a few blocked calls would stall every
/// request. The queue is bounded: when it is full the caller is told at once (503), rather
/// than waiting behind work it cannot see.
final class InvocationPool: @unchecked Sendable {
    // @unchecked: `queue`, `head`, `idle`, `running` and `stopping` are only touched under `condition`.
    struct Saturated: Error {}

    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private var idle = 0
    private var running = 0
    private var stopping = false
    private let queueDepth: Int
    let threadCount: Int

    init(threads: Int, queueDepth: Int) {
        self.threadCount = threads
        self.queueDepth = queueDepth
        for index in 0..<threads {
            let thread = Thread { [self] in self.work() }
            thread.name = "mcp-hub-invoke-\(index)"
            thread.start()
        }
    }

    /// Queues `job`, or throws `Saturated` when every thread is busy and `queueDepth` jobs are
    /// already waiting.
    func submit(_ job: @escaping @Sendable () -> Void) throws(Saturated) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, queue.count - head < queueDepth + idle else { throw Saturated() }
        queue.append(job)
        condition.signal()
    }

    /// Runs `body` on a pool thread and returns its value.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws(Saturated) -> T {
        let box = ResultBox<T>()
        try submit { box.fulfil(body()) }
        return await box.value
    }

    /// Jobs executing right now: lets a test wait for "the provider is running" instead of
    /// sleeping and hoping.
    var runningJobs: Int {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while head == queue.count && !stopping {
                idle += 1
                condition.wait()
                idle -= 1
            }
            if head == queue.count { break }  // stopping, nothing left
            let job = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
        }
        condition.unlock()
    }
}

/// A value produced on one thread and awaited on another; whichever of `fulfil` and the waiter
/// comes first, the waiter gets the value exactly once.
final class ResultBox<T: Sendable>: Sendable {
    private enum Slot { case empty, waiting(CheckedContinuation<T, Never>), done(T) }
    private let slot = Mutex<Slot>(.empty)

    func fulfil(_ value: T) {
        let waiter = slot.withLock { slot -> CheckedContinuation<T, Never>? in
            switch slot {
            case .empty: slot = .done(value); return nil
            case .waiting(let continuation): slot = .done(value); return continuation
            case .done: return nil
            }
        }
        waiter?.resume(returning: value)
    }

    var value: T {
        get async {
            await withCheckedContinuation { continuation in
                let ready = slot.withLock { slot -> T? in
                    switch slot {
                    case .empty: slot = .waiting(continuation); return nil
                    case .done(let value): return value
                    case .waiting: preconditionFailure("ResultBox awaited twice")
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
