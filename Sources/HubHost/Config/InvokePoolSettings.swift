/// `hub.invoke_pool`: the threads that run provider calls. Provider code blocks (it waits on
/// upstream HTTP), so it runs on its own pool rather than on the server's event loops.
struct InvokePoolSettings: Sendable, Equatable {
    /// `threads`: 1...256, default 8.
    var threads: Int
    /// `queue`: calls that may wait for a thread before new ones are refused as unavailable;
    /// 0...65536, default 64.
    var queueDepth: Int

    static let `default` = InvokePoolSettings(threads: 8, queueDepth: 64)
    static let keys = ["threads", "queue"]

    init(threads: Int, queueDepth: Int) {
        self.threads = threads
        self.queueDepth = queueDepth
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        threads = try mapping.optional("threads")?.int(in: 1...256) ?? Self.default.threads
        queueDepth = try mapping.optional("queue")?.int(in: 0...65536) ?? Self.default.queueDepth
    }
}
