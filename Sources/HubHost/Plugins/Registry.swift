import Synchronization

/// One immutable view of what the hub serves: the providers that loaded, the ones that failed
/// and why. A call holds the generation it started on, so a reload never changes the ground
/// under a call in flight.
final class RegistryGeneration: Sendable {
    let number: Int
    let providers: [String: LoadedProvider]
    let failures: [PluginLoadError]
    private let inFlight = Atomic<Int>(0)

    init(number: Int, providers: [String: LoadedProvider], failures: [PluginLoadError]) {
        self.number = number
        self.providers = providers
        self.failures = failures
    }

    func tool(provider: String, name: String) -> ServedTool? {
        providers[provider]?.tools[name]
    }

    /// Runs `body` counting it as a call in flight on this generation.
    func withCall<T>(_ body: () async throws -> T) async rethrows -> T {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await body()
    }

    var callsInFlight: Int { inFlight.load(ordering: .relaxed) }
}

/// Holds the current generation and swaps it atomically.
final class Registry: Sendable {
    private let current: Mutex<RegistryGeneration>

    init(_ first: RegistryGeneration) {
        current = Mutex(first)
    }

    var generation: RegistryGeneration { current.withLock { $0 } }

    /// Publishes `next` and returns the generation it replaced.
    @discardableResult
    func publish(_ next: RegistryGeneration) -> RegistryGeneration {
        current.withLock { slot in
            let previous = slot
            slot = next
            return previous
        }
    }
}
