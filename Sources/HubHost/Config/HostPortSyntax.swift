/// Splits `host:port` and `[v6-address]:port`, the forms both `listen` and `connect_to` use.
enum HostPortSyntax {
    static func split(_ text: Substring) -> (host: String, port: Substring)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), host.contains(":"), CIDRSyntax.isIPAddress(String(host)) else { return nil }
            return (String(host), rest.dropFirst())
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = text[..<colon]
        guard !host.isEmpty, !host.contains(":"), !host.contains(where: \.isWhitespace) else { return nil }
        return (String(host), text[text.index(after: colon)...])
    }

    static func split(_ text: String) -> (host: String, port: Substring)? {
        split(text[...])
    }

    static func port(_ text: Substring, allowZero: Bool = false) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text) else { return nil }
        return ((allowZero ? 0 : 1)...65535).contains(port) ? port : nil
    }
}
