/// Where the hub's HTTP server listens: `listen: "127.0.0.1:8080"`, or `[::1]:8080` for IPv6.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or IP address; IPv6 without brackets.
    var host: String
    /// 1...65535, or 0 to let the OS choose (useful in tests).
    var port: Int

    static let `default` = ListenAddress(host: "127.0.0.1", port: 8080)
    static let syntaxHelp = "a listen address (expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)"

    /// Whether only this machine can connect. Serving beyond loopback should sit behind the
    /// reverse proxy, so callers use this to warn.
    var isLoopback: Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && CIDRSyntax.isIPAddress(host))
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(parsing text: String) {
        guard let split = HostPortSyntax.split(text), let port = HostPortSyntax.port(split.port, allowZero: true) else { return nil }
        self.host = split.host
        self.port = port
    }
}
