import Foundation

extension Call {
    /// The longest the thread sleeps between looks at the cancel flag.
    static let sleepSlice = Duration.milliseconds(50)

    /// Waits `duration` on the provider's thread, for polling an upstream that is still working.
    ///
    /// Provider calls run on the host's blocking pool, not in Swift concurrency, so this is a
    /// thread sleep — taken in short slices so that a call the host has given up on (deadline
    /// passed, caller gone) stops waiting promptly and frees its thread.
    /// - Throws: `ProviderError.timeout` once the call is cancelled.
    public func sleep(for duration: Duration) throws(ProviderError) {
        let end = ContinuousClock.now + duration
        while true {
            if isCancelled { throw .timeout("cancelled while waiting to poll the upstream again") }
            let left = end - .now
            guard left > .zero else { return }
            Thread.sleep(forTimeInterval: Self.seconds(min(left, Self.sleepSlice)))
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
