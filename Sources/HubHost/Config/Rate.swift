/// A rate limit: at most `count` calls per `windowSeconds`. Written in config as `100/hour`.
struct Rate: Sendable, Equatable {
    var count: Int
    var windowSeconds: Int

    static let syntaxHelp = "expected N/second, N/minute, N/hour or unlimited"

    /// Parses `N/second`, `N/minute` or `N/hour` with N ≥ 1.
    init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy(\.isASCII), let count = Int(parts[0]), count >= 1 else { return nil }
        switch parts[1] {
        case "second": windowSeconds = 1
        case "minute": windowSeconds = 60
        case "hour": windowSeconds = 3600
        default: return nil
        }
        self.count = count
    }

    init(count: Int, windowSeconds: Int) {
        self.count = count
        self.windowSeconds = windowSeconds
    }
}
