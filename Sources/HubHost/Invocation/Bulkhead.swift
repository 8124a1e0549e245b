import Synchronization

/// Per-provider shares of the invocation pool. A provider whose upstream hangs holds its threads
/// until its calls time out (and a provider that ignores its cancel flag, longer); without a
/// share it could hold every thread and starve every other provider. A call takes a slot before
/// it is queued and gives it back when the provider's thread returns — not when the caller got
/// its 504 — because the thread is what is scarce.
///
/// Counts are kept by provider name across registry generations: the old generation's calls
/// still occupy threads after a reload.
final class Bulkhead: Sendable {
    private let inUse = Mutex<[String: Int]>([:])

    /// Takes a slot for `provider` if fewer than `limit` are in use.
    func acquire(_ provider: String, limit: Int) -> Bool {
        inUse.withLock { inUse in
            let used = inUse[provider, default: 0]
            guard used < limit else { return false }
            inUse[provider] = used + 1
            return true
        }
    }

    func release(_ provider: String) {
        inUse.withLock { inUse in
            let left = inUse[provider, default: 1] - 1
            inUse[provider] = left > 0 ? left : nil
        }
    }

    /// Slots `provider` holds now: lets a test wait for "the pool share is full".
    func inUse(by provider: String) -> Int {
        inUse.withLock { $0[provider, default: 0] }
    }
}

/// Something that runs a job on a thread that may block: the invocation pool for callers' calls,
/// a fresh thread for the hub's own health probes.
protocol JobSubmitter: Sendable {
    func submit(_ job: @escaping @Sendable () -> Void) throws(InvocationPool.Saturated)
}

extension InvocationPool: JobSubmitter {}
