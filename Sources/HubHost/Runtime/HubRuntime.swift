import Foundation
import Logging

/// Everything `mcp-hub serve` runs: the config it was started with, the registry of loaded
/// providers, the invocation pool, the guards and the audit trail. Reload builds a whole new
/// registry generation from the config file and swaps it in; calls in flight finish on the
/// generation they started on, which is retired (providers shut down) once they have.
final class HubRuntime: Sendable {
    let configPath: String
    let config: HubConfig
    let registry: Registry
    let pool: InvocationPool
    let pipeline: ToolCallPipeline
    let authenticator: any CallerAuthenticator
    let audit: any AuditStore
    let services: HubServices
    /// Withdraws calls whose client went away (the HTTP server reports it, the doors listen).
    let clientDisconnects = ClientDisconnects()
    /// Per-provider shares of `pool`.
    let bulkhead = Bulkhead()
    /// Bounded, coalesced health probes; the prober runs them on an interval.
    let health: HealthMonitor
    private let prober: HealthProber
    private let reloads = ReloadSerializer()
    let logger = Logger(label: "mcp-hub")

    /// Builds the runtime and loads every enabled provider. A provider that fails to load is
    /// reported and left out; the others serve.
    init(config: HubConfig, services: HubServices, authenticator: any CallerAuthenticator, audit: any AuditStore) {
        self.configPath = config.path
        self.config = config
        self.services = services
        self.authenticator = authenticator
        self.audit = audit
        pool = InvocationPool(threads: config.hub.invokePool.threads, queueDepth: config.hub.invokePool.queueDepth)
        registry = Registry(Self.loadGeneration(number: 1, config: config, services: services))
        health = HealthMonitor(
            timeout: .milliseconds(config.hub.health.timeoutMs),
            onChange: Self.auditHealthChange(audit: audit, logger: Logger(label: "mcp-hub")))
        prober = HealthProber(registry: registry, monitor: health, interval: .milliseconds(config.hub.health.intervalMs))
        pipeline = ToolCallPipeline(
            registry: registry, authenticator: authenticator, counters: InProcessRateLimitCounters(), pool: pool,
            audit: audit, bulkhead: bulkhead, perProviderLimit: config.hub.invokePool.perProvider, health: health)
    }

    /// A provider's health changed (seen by the prober or by a caller's health call): one audit
    /// event and one log line. The first sighting of a healthy provider is no change.
    static func auditHealthChange(audit: any AuditStore, logger: Logger) -> HealthMonitor.ChangeHandler {
        { provider, previous, report in
            guard previous != nil || report.status != "ok" else { return }
            let words = "\(provider): \(previous ?? "unknown") → \(report.status)" + (report.error.map { ": \($0)" } ?? "")
            logger.log(level: report.status == "ok" ? .notice : .warning, "health \(LogText.escaped(words))")
            let event = AdminAuditEvent.make(
                action: "health.\(provider)", channel: .system, caller: nil, status: report.status == "ok" ? .ok : .error,
                error: report.status == "ok" ? nil : words, result: try? JSONValue.parse(report.resultText))
            do {
                try await audit.append(event)
            } catch {
                logger.error("audit: the health change of \(provider) could not be recorded: \(error)")
            }
        }
    }

    /// Loads every enabled provider of `config`. A provider that fails to load keeps serving the
    /// version `previous` had of it, if any (and the failure is still reported); the others
    /// update. Without a previous version it is left out.
    static func loadGeneration(
        number: Int, config: HubConfig, services: HubServices, previous: RegistryGeneration? = nil
    ) -> RegistryGeneration {
        let loader = PluginLoader(
            cacheDirectory: config.hub.stateDirectory + "/plugins", services: { services.forProvider($0) })
        var loaded: [String: LoadedProvider] = [:]
        var failures: [PluginLoadError] = []
        var kept: Set<String> = []
        for provider in config.providers where provider.enabled {
            do {
                loaded[provider.name] = try loader.load(provider)
            } catch {
                failures.append(error)
                if let lastGood = previous?.providers[provider.name] {
                    loaded[provider.name] = lastGood
                    kept.insert(provider.name)
                }
            }
        }
        ToolNameCollisions.refuse(in: &loaded, failures: &failures)
        return RegistryGeneration(number: number, providers: loaded, failures: failures, keptPrevious: kept)
    }

    /// Re-reads the config file and publishes a new generation, and audits the attempt (provider
    /// `hub`, tool `reload`). Refused, changing nothing: a config that does not parse, and one
    /// whose `hub:` block differs from the one the hub started with (those keys need a restart;
    /// the error names each). A provider that fails to load keeps its last good version.
    /// `trigger` says what asked for the reload when no caller did (`SIGHUP`, a file change);
    /// the audit event records it with the tools the reload added and removed.
    func reload(
        requestedBy caller: Caller? = nil, trigger: String? = nil, requestId: String = UUID().uuidString.lowercased()
    ) async throws(HubError) -> RegistryGeneration {
        let started = ContinuousClock.now
        let channel: AuditChannel = caller == nil ? .system : .rest
        let next: RegistryGeneration
        let replaced: RegistryGeneration
        do {
            (next, replaced) = try await reloads.serialize { () throws(HubError) -> (RegistryGeneration, RegistryGeneration) in
                let fresh: HubConfig
                do {
                    fresh = try ConfigLoader.load(path: configPath)
                } catch {
                    throw HubError(.invalidInput, "config not reloaded: \(error)", stage: .resolve)
                }
                let needRestart = RestartKeys.changed(from: config.hubLeaves, to: fresh.hubLeaves)
                guard needRestart.isEmpty else {
                    throw HubError(
                        .invalidInput,
                        "config not reloaded: the hub: block is read at start only; restart the hub to change \(needRestart.joined(separator: ", "))",
                        stage: .resolve)
                }
                let current = registry.generation
                let generation = Self.loadGeneration(
                    number: current.number + 1, config: fresh, services: services, previous: current)
                let previous = registry.publish(generation)
                retire(previous, keeping: generation)
                return (generation, previous)
            }
        } catch {
            logger.warning("reload refused: \(LogText.escaped(error.message))")
            await record(AdminAuditEvent.make(
                action: "reload", channel: channel, caller: caller, requestId: requestId, status: .error,
                stage: error.stage, error: error.message, started: started))
            throw error
        }
        for failure in next.failures {
            let serving = next.keptPrevious.contains(failure.provider) ? " (its previous version keeps serving)" : ""
            logger.error("\(LogText.escaped(failure.description))\(serving)")
        }
        logger.info("registry generation \(next.number) serving \(next.providers.keys.sorted())")
        await record(AdminAuditEvent.make(
            action: "reload", channel: channel, caller: caller, requestId: requestId,
            status: next.failures.isEmpty ? .ok : .error,
            error: next.failures.isEmpty ? nil : ReloadSummary.failureLines(next).joined(separator: "; "),
            result: ReloadSummary.of(next, replacing: replaced, trigger: trigger ?? (caller == nil ? "hub" : "POST /admin/reload")),
            started: started))
        return next
    }

    /// Writes an admin event; a reload already applied is not undone when its record fails, so
    /// the failure is logged loudly instead.
    private func record(_ event: AuditEvent) async {
        do {
            try await audit.append(event)
        } catch {
            logger.critical("audit: could not record \(event.tool) by \(event.callerRole): \(error)")
        }
    }

    /// Shuts down the providers of a replaced generation once no call is using it.
    private func retire(_ old: RegistryGeneration, keeping new: RegistryGeneration) {
        Task.detached { [logger] in
            let limit = ContinuousClock.now + .seconds(330)
            while old.callsInFlight > 0 {
                guard ContinuousClock.now < limit else {
                    logger.warning("generation \(old.number) still has calls after 330 s; its providers are left running")
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            // A provider the new generation still serves (kept after a failed load) stays up.
            for provider in old.providers.values where new.providers[provider.name] !== provider {
                provider.shutdown()
            }
        }
    }

    func shutdown() async {
        prober.stop()
        for provider in registry.generation.providers.values { provider.shutdown() }
        pool.stop()
        await audit.close()
    }
}

/// Runs reloads one at a time.
actor ReloadSerializer {
    func serialize<T: Sendable>(_ body: () throws(HubError) -> T) throws(HubError) -> T {
        try body()
    }
}
