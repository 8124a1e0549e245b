/// `hub.invoke_pool`: the threads that run provider calls. Provider code blocks (it waits on
/// upstream HTTP), so it runs on its own pool rather than on the server's event loops.
struct InvokePoolSettings: Sendable, Equatable {
    /// `threads`: 1...256, default 8.
    var threads: Int
    /// `queue`: calls that may wait for a thread before new ones are refused as unavailable;
    /// 0...65536, default 64.
    var queueDepth: Int
    /// `per_provider`: calls one provider may have in the pool at once (running or queued), so a
    /// hung vendor cannot take every thread (a bulkhead). A provider's own `max_concurrency`
    /// overrides it. Default: half the threads, at least 1.
    var perProvider: Int

    static let `default` = InvokePoolSettings(threads: 8, queueDepth: 64)
    static let keys = ["threads", "queue", "per_provider"]

    init(threads: Int, queueDepth: Int, perProvider: Int? = nil) {
        self.threads = threads
        self.queueDepth = queueDepth
        self.perProvider = perProvider ?? Self.defaultShare(threads: threads)
    }

    /// Half the pool: one stuck provider leaves the other half to everyone else.
    static func defaultShare(threads: Int) -> Int { max(1, threads / 2) }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        threads = try mapping.optional("threads")?.int(in: 1...256) ?? Self.default.threads
        queueDepth = try mapping.optional("queue")?.int(in: 0...65536) ?? Self.default.queueDepth
        perProvider = try mapping.optional("per_provider")?.int(in: 1...65536) ?? Self.defaultShare(threads: threads)
    }
}
