#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `hub.mcp`: the Model Context Protocol endpoint. Every key is optional.
struct MCPSettings: Sendable, Equatable {
    /// `path`: where the endpoint is served. Default `/mcp`.
    var path: String
    /// `public_url`: the scheme://host[:port] clients reach the hub at (behind a proxy, the
    /// proxy's). It names the protected resource (`<public_url><path>`) in the OAuth metadata.
    /// Default `http://<listen>`.
    var publicURL: String?
    /// `allowed_origins`: browser origins allowed to call the endpoint (DNS-rebinding defence).
    /// A request without `Origin` (any non-browser client) is not affected; one whose `Origin` is
    /// not listed (nor the hub's own public origin) is refused with 403.
    var allowedOrigins: [String]
    /// `session_idle_seconds`: a handshake-era session unused this long is forgotten. Default 3600.
    var sessionIdleSeconds: Int
    /// `max_sessions`: open handshake-era sessions at most; past it, the least recently used one
    /// is dropped (its client re-initializes on 404). Default 1000.
    var maxSessions: Int
    /// `list_ttl_seconds`: how long a 2026-07-28 client may cache `tools/list`. Default 300.
    var listTTLSeconds: Int

    static let keys = ["path", "public_url", "allowed_origins", "session_idle_seconds", "max_sessions", "list_ttl_seconds"]

    static let `default` = MCPSettings(
        path: "/mcp", publicURL: nil, allowedOrigins: [], sessionIdleSeconds: 3600, maxSessions: 1000, listTTLSeconds: 300)

    init(path: String, publicURL: String?, allowedOrigins: [String], sessionIdleSeconds: Int, maxSessions: Int, listTTLSeconds: Int) {
        self.path = path
        self.publicURL = publicURL
        self.allowedOrigins = allowedOrigins
        self.sessionIdleSeconds = sessionIdleSeconds
        self.maxSessions = maxSessions
        self.listTTLSeconds = listTTLSeconds
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        path = try mapping.optional("path")?.parsed(as: "a URL path (/ then letters, digits, '/', '_', '-')", Self.path) ?? "/mcp"
        publicURL = try mapping.optional("public_url")?.parsed(as: "an origin (http(s)://host[:port], no path)", Self.origin)
        allowedOrigins = try mapping.optional("allowed_origins")?.list().map { (node) throws(ConfigError) in
            try node.parsed(as: "an origin (http(s)://host[:port], no path)", Self.origin)
        } ?? []
        sessionIdleSeconds = try mapping.optional("session_idle_seconds")?.int(in: 10...86_400) ?? 3600
        maxSessions = try mapping.optional("max_sessions")?.int(in: 1...100_000) ?? 1000
        listTTLSeconds = try mapping.optional("list_ttl_seconds")?.int(in: 0...86_400) ?? 300
    }

    private static func path(_ text: String) -> String? {
        let ok = text.hasPrefix("/") && text.count > 1 && !text.hasSuffix("/") && !text.contains("//")
            && text.utf8.allSatisfy { $0 == 0x2F || $0 == 0x5F || $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
        return ok ? text : nil
    }

    /// An origin as browsers send it: scheme, host and optional port, lower-cased, no path.
    static func origin(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty,
            components.path.isEmpty, components.query == nil, components.fragment == nil, components.user == nil
        else { return nil }
        return "\(scheme)://\(host.lowercased())" + (components.port.map { ":\($0)" } ?? "")
    }
}
