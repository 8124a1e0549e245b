import Synchronization

/// One immutable view of what the hub serves: the providers that loaded, the ones that failed
/// and why. A call holds the generation it started on, so a reload never changes the ground
/// under a call in flight.
final class RegistryGeneration: Sendable {
    let number: Int
    let providers: [String: LoadedProvider]
    let failures: [PluginLoadError]
    /// Every served tool by its MCP name (`MCPToolName`); unique by construction
    /// (`ToolNameCollisions` ran before the generation was built).
    let toolsByMCPName: [String: ServedTool]
    /// Providers that failed to load in this generation but serve their last good version from
    /// the previous one (a typo in a pin must not take a working provider offline).
    let keptPrevious: Set<String>
    private let inFlight = Atomic<Int>(0)

    init(number: Int, providers: [String: LoadedProvider], failures: [PluginLoadError], keptPrevious: Set<String> = []) {
        self.number = number
        self.providers = providers
        self.failures = failures
        var index: [String: ServedTool] = [:]
        for provider in providers.values {
            for tool in provider.tools.values { index[MCPToolName.of(provider: provider.name, tool: tool.name)] = tool }
        }
        toolsByMCPName = index
        self.keptPrevious = keptPrevious
    }

    func tool(provider: String, name: String) -> ServedTool? {
        providers[provider]?.tools[name]
    }

    /// Counts one more user of this generation's providers. Take it through
    /// `Registry.beginCall()`, which does so atomically with reading the current generation.
    func beginCall() { inFlight.add(1, ordering: .acquiringAndReleasing) }

    /// Ends what `beginCall` began; the generation may be retired once the count is zero.
    func endCall() { inFlight.subtract(1, ordering: .acquiringAndReleasing) }

    var callsInFlight: Int { inFlight.load(ordering: .acquiring) }
}

/// Holds the current generation and swaps it atomically.
final class Registry: Sendable {
    private let current: Mutex<RegistryGeneration>
    /// Told of every generation published (MCP list-changed notifications).
    let changes = GenerationChanges()

    init(_ first: RegistryGeneration) {
        current = Mutex(first)
    }

    var generation: RegistryGeneration { current.withLock { $0 } }

    /// The current generation with a call already counted on it. Reading and counting under the
    /// lock `publish` swaps under closes a gap: a reload that publishes between a plain read and
    /// the count would see the old generation idle and shut its providers down under the call.
    func beginCall() -> RegistryGeneration {
        current.withLock { generation in
            generation.beginCall()
            return generation
        }
    }

    /// Publishes `next` and returns the generation it replaced.
    @discardableResult
    func publish(_ next: RegistryGeneration) -> RegistryGeneration {
        let previous = current.withLock { slot in
            let previous = slot
            slot = next
            return previous
        }
        changes.publish(next)
        return previous
    }
}

/// Fans a newly published generation out to whoever listens (open MCP notification streams).
/// Each listener gets its own stream that keeps only the newest generation, so a slow listener
/// never holds old generations alive or blocks a reload.
final class GenerationChanges: Sendable {
    private let listeners = Mutex<[UInt64: AsyncStream<RegistryGeneration>.Continuation]>([:])
    private let nextId = Atomic<UInt64>(0)

    func publish(_ generation: RegistryGeneration) {
        for listener in listeners.withLock({ Array($0.values) }) { listener.yield(generation) }
    }

    /// Open listeners (what the tests wait on before reloading).
    var listenerCount: Int { listeners.withLock { $0.count } }

    /// A stream of generations published from now on; it ends when the consumer stops iterating.
    func subscribe() -> AsyncStream<RegistryGeneration> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<RegistryGeneration>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }
}
