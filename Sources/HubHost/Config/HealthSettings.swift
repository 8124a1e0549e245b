/// `hub.health`: how the hub learns whether each provider's upstream works. A health answer must
/// come within a bound whatever the upstream does (the PRD: `down` in under 5 s), so a probe is
/// cut at `timeout_ms` and reported `down` with the reason.
struct HealthSettings: Sendable, Equatable {
    /// `interval_ms`: how often the hub probes every provider on its own (a change of state is
    /// audited and logged); 100...3600000, default 30000.
    var intervalMs: Int
    /// `timeout_ms`: the longest one probe may take before it counts as `down`; 100...4500,
    /// default 3000 (below the PRD's 5 s with room for the reply and the audit write).
    var timeoutMs: Int

    static let `default` = HealthSettings(intervalMs: 30_000, timeoutMs: 3000)
    static let keys = ["interval_ms", "timeout_ms"]

    init(intervalMs: Int, timeoutMs: Int) {
        self.intervalMs = intervalMs
        self.timeoutMs = timeoutMs
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        intervalMs = try mapping.optional("interval_ms")?.int(in: 100...3_600_000) ?? Self.default.intervalMs
        timeoutMs = try mapping.optional("timeout_ms")?.int(in: 100...4500) ?? Self.default.timeoutMs
    }
}
