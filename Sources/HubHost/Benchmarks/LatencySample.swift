import Foundation

/// Per-operation durations of one benchmark run, summarised the way the README reports them.
public struct LatencySample: Sendable {
    public let name: String
    private(set) var durations: [Duration] = []
    private(set) var wall: Duration = .zero

    public init(name: String) { self.name = name }

    mutating func record(_ duration: Duration) { durations.append(duration) }
    mutating func finish(wall: Duration) { self.wall = wall }

    public var count: Int { durations.count }

    public func percentile(_ p: Double) -> Duration {
        guard !durations.isEmpty else { return .zero }
        let sorted = durations.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    /// Operations per second over the run's wall time (all threads together).
    public var perSecond: Double {
        let seconds = wall.seconds
        return seconds > 0 ? Double(count) / seconds : 0
    }

    /// `| name | ops/s | p50 µs | p99 µs |`
    public var markdownRow: String {
        "| \(name) | \(Int(perSecond.rounded())) | \(percentile(0.5).microseconds) | \(percentile(0.99).microseconds) |"
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var microseconds: String {
        let value = seconds * 1e6
        return value < 10 ? String(format: "%.2f", value) : String(format: "%.0f", value)
    }
}

/// Times `body` `iterations` times on each of `threads` threads.
func measure(_ name: String, iterations: Int, threads: Int = 1, _ body: @escaping @Sendable () throws -> Void) -> LatencySample {
    let clock = ContinuousClock()
    let collected = Collected()
    let started = clock.now
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        Thread.detachNewThread {
            var local: [Duration] = []
            local.reserveCapacity(iterations)
            for _ in 0..<iterations {
                let begin = clock.now
                try? body()
                local.append(clock.now - begin)
            }
            collected.add(local)
            group.leave()
        }
    }
    group.wait()
    var sample = LatencySample(name: name)
    for duration in collected.all { sample.record(duration) }
    sample.finish(wall: clock.now - started)
    return sample
}

/// Durations gathered from several threads.
private final class Collected: @unchecked Sendable {
    // @unchecked: `durations` is only touched under `lock`.
    private let lock = NSLock()
    private var durations: [Duration] = []

    func add(_ more: [Duration]) {
        lock.lock()
        durations += more
        lock.unlock()
    }

    var all: [Duration] {
        lock.lock()
        defer { lock.unlock() }
        return durations
    }
}
