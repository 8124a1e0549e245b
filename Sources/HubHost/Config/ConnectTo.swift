/// An egress override in curl's `--connect-to` form, `HOST:PORT:CONNECT_HOST:CONNECT_PORT`:
/// requests for `host:port` connect to `connectHost:connectPort` instead, while TLS still
/// verifies `host`. This is how tests reach loopback fakes through real upstream names.
struct ConnectTo: Sendable, Equatable {
    var host: String
    var port: Int
    var connectHost: String
    var connectPort: Int

    static let syntaxHelp = "a connect_to rule (expected HOST:PORT:CONNECT_HOST:CONNECT_PORT; IPv6 in brackets)"

    init(host: String, port: Int, connectHost: String, connectPort: Int) {
        self.host = host
        self.port = port
        self.connectHost = connectHost
        self.connectPort = connectPort
    }

    init?(parsing text: String) {
        // Split as "HOST:PORT" ":" "CONNECT_HOST:CONNECT_PORT": the first half ends at the colon
        // after the first port, which is the second colon outside brackets.
        guard let middle = Self.secondColonOutsideBrackets(in: text),
              let from = HostPortSyntax.split(text[..<middle]), let fromPort = HostPortSyntax.port(from.port),
              let to = HostPortSyntax.split(text[text.index(after: middle)...]), let toPort = HostPortSyntax.port(to.port)
        else { return nil }
        self.init(host: from.host.lowercased(), port: fromPort, connectHost: to.host, connectPort: toPort)
    }

    private static func secondColonOutsideBrackets(in text: String) -> String.Index? {
        var depth = 0
        var colons = 0
        for index in text.indices {
            switch text[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case ":" where depth == 0:
                colons += 1
                if colons == 2 { return index }
            default: break
            }
        }
        return nil
    }
}
