import Foundation

/// Probes every provider of the current generation every `interval`, as the hub itself: no
/// caller, no rate budget, no invocation-pool thread. What it learns goes through the
/// `HealthMonitor`, which reports changes of state (audited and logged by the runtime); a probe
/// that sees no change leaves no trace.
final class HealthProber: Sendable {
    private let task: Task<Void, Never>

    init(registry: Registry, monitor: HealthMonitor, interval: Duration) {
        task = Task { [weak registry, weak monitor] in
            // The first round waits one interval too: a hub that just started (or a test) has
            // not asked its upstreams anything yet, and callers' own health calls probe anyway.
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let registry, let monitor else { return }
                // Only providers that serve a health tool have a probe: one without (its config
                // does not list `health`) is not "down", it is simply not probed.
                let providers = registry.generation.providers.values.filter { $0.tools["health"] != nil }
                await withTaskGroup(of: Void.self) { group in
                    for provider in providers { group.addTask { _ = await monitor.probe(provider) } }
                }
            }
        }
    }

    func stop() { task.cancel() }

    deinit { task.cancel() }
}
