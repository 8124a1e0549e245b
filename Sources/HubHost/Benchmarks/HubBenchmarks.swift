import Foundation

/// Entry points for `hub-bench` (bench/HubBench). Each builds the real pieces — provider library
/// through the loader, the token verifier, the vault, egress, the audit store — and times them.
/// Figures are for ratios measured in the same run, not for assertions.
public enum HubBenchmarks {
    /// A provider's tool called through the C ABI on the calling thread: the floor any host adds
    /// to. `config` is a provider-config.yaml naming the provider.
    public static func directCall(configPath: String, provider: String, tool: String, input: String,
                                  iterations: Int, threads: Int) throws -> LatencySample {
        let config = try ConfigLoader.load(path: configPath)
        let generation = HubRuntime.loadGeneration(
            number: 1, config: config, services: HubServices(secrets: nil, egress: config.hub.egress))
        guard let served = generation.tool(provider: provider, name: tool) else {
            throw CommandFailure("\(provider).\(tool) did not load: \(generation.failures.map(\.description))")
        }
        let arguments = Array(input.utf8)
        let services = generation.providers[provider]!.services
        return measure("direct call \(provider).\(tool), \(threads) thread(s)", iterations: iterations, threads: threads) {
            let context = CallContext(provider: provider, phase: .invoke, deadline: nil, services: services)
            _ = served.invoke(context, arguments)
        }
    }

    /// The policy stages a call passes before the provider runs, each timed on its own, with a
    /// warm key cache: authenticate (HS256), resolve, authorize, rate-limit, validate.
    public static func policyStages(configPath: String, provider: String, tool: String, input: String,
                                    iterations: Int) async throws -> [LatencySample] {
        let config = try ConfigLoader.load(path: configPath)
        let secrets = try SecretStores.cache(for: config.hub.vault)
        guard let auth = config.hub.auth, let secretName = auth.jwtSecretKey, let secret = try? secrets.value(secretName) else {
            throw CommandFailure("the bench config needs hub.auth.jwt_secret_key and that secret in its vault")
        }
        let verifier = Authenticators.verifier(for: auth, secrets: secrets, egress: config.hub.egress)
        let generation = HubRuntime.loadGeneration(
            number: 1, config: config, services: HubServices(secrets: secrets, egress: config.hub.egress))
        let token = try await TokenIssuer.signHS256(
            sub: UUID().uuidString.lowercased(), role: .opsOperator, team: nil, ttlSeconds: 3600, issuer: auth.issuer,
            audience: auth.audience, secret: secret)
        let stages: [(String, any RequestStage)] = [
            ("authenticate (HS256 JWT)", Authenticate(verifier: verifier)), ("resolve", ResolveTool()),
            ("authorize", Authorize()), ("rate limit", RateLimit(counters: InProcessRateLimitCounters())),
            ("validate (JSON + schema)", Validate()),
        ]
        var samples = stages.map { LatencySample(name: $0.0) }
        var total = LatencySample(name: "all policy stages")
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<iterations {
            var request = ToolRequest(
                requestId: "bench", providerName: provider, toolName: tool, body: Array(input.utf8),
                authorization: "Bearer \(token)", started: .now, receivedAt: Date(), generation: generation)
            let begin = clock.now
            for (index, stage) in stages.enumerated() {
                let stageBegin = clock.now
                try await stage.1.apply(to: &request)
                samples[index].record(clock.now - stageBegin)
            }
            total.record(clock.now - begin)
        }
        let wall = clock.now - started
        for index in samples.indices { samples[index].finish(wall: wall) }
        total.finish(wall: wall)
        return samples + [total]
    }

    /// A secret read through the rotation-aware cache (warm) and straight from the backend.
    public static func secretLookups(configPath: String, name: String, iterations: Int) throws -> [LatencySample] {
        let config = try ConfigLoader.load(path: configPath)
        let backend = try SecretStores.backend(for: config.hub.vault)
        let cache = SecretCache(backend: backend, refreshInterval: .seconds(60))
        _ = try cache.value(name)
        let kind = config.hub.vault.backend.kindName
        return [
            measure("secret lookup, cached (\(kind))", iterations: iterations) { _ = try cache.value(name) },
            measure("secret lookup, uncached (\(kind))", iterations: max(1, iterations / 10)) { _ = try backend.read(name) },
        ]
    }

    /// A provider-style request through egress (allowlist, address policy, pinned libcurl
    /// transfer, connection reuse).
    public static func egress(url: String, connectTo: String?, caFile: String?, iterations: Int) throws -> LatencySample {
        guard let host = URL(string: url)?.host() else { throw CommandFailure("not a URL: \(url)") }
        let client = EgressClient(policy: EgressPolicy(
            allowedHosts: [try HostPattern(host + (URL(string: url)?.port.map { ":\($0)" } ?? ""))], allowCIDRs: [],
            connectTo: connectTo.flatMap { ConnectTo(parsing: $0) }.map { [$0] } ?? [], caFile: caFile,
            maxResponseBytes: 1 << 20, maxRedirects: 0))
        let request = EgressRequest(method: "GET", url: url, headers: [], body: [])
        _ = try client.send(request, deadline: .now + .seconds(5), isCancelled: { false })
        return measure("egress GET \(url)", iterations: iterations) {
            _ = try client.send(request, deadline: .now + .seconds(5), isCancelled: { false })
        }
    }

    /// Durable audit appends: sustained events/s with 64 concurrent appenders, and the latency
    /// one append adds to a call when the store is otherwise idle.
    public static func audit(postgresConninfo: String?, events: Int) async throws -> [String] {
        var lines: [String] = []
        let perAppender = max(1, events / 64)
        lines.append("\(try await AuditThroughput.measureSQLite(appenders: 64, eventsPerAppender: perAppender))")
        if let postgresConninfo {
            lines.append("\(try await AuditThroughput.measurePostgres(conninfo: postgresConninfo, appenders: 64, eventsPerAppender: perAppender))")
        }
        return lines
    }
}

extension HubBenchmarks {
    /// The latency one durable append adds to a call on an otherwise idle store.
    public static func auditAppendLatency(postgresConninfo: String?, iterations: Int) async throws -> [LatencySample] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-latency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var stores: [(String, any AuditStore)] = [
            ("sqlite", try SQLiteAuditStore(path: directory.appendingPathComponent("audit.sqlite3").path))
        ]
        if let postgresConninfo {
            stores.append(("postgresql", try PostgresAuditStore(
                conninfo: postgresConninfo, spoolDirectory: directory.appendingPathComponent("spool").path)))
        }
        var samples: [LatencySample] = []
        let clock = ContinuousClock()
        for (name, store) in stores {
            var sample = LatencySample(name: "audit append, one caller (\(name))")
            let started = clock.now
            for index in 0..<iterations {
                let begin = clock.now
                try await store.append(AuditThroughput.sampleEvent(appender: 0, index: index))
                sample.record(clock.now - begin)
            }
            sample.finish(wall: clock.now - started)
            samples.append(sample)
            await store.close()
        }
        return samples
    }
}

extension VaultSettings.Backend {
    var kindName: String {
        switch self {
        case .file: "file"
        case .supabase: "supabase"
        }
    }
}
