import CCurl

/// A URL that passed the allowlist, with the host and port every later step uses.
struct CheckedURL {
    let url: CurlURL
    /// Lowercase, IPv6 literals in brackets: as TLS verifies it and as the audit records it.
    let host: String
    let port: Int
}

/// The URL rules, applied to the first request and to every redirect hop alike: HTTPS only, no
/// user-info, a host from `allowed_hosts`, port 443 unless the entry names another, and IP
/// literals only where an entry names that very address.
struct URLGate: Sendable {
    let allowedHosts: [HostPattern]

    func check(_ url: CurlURL) throws(EgressError) -> CheckedURL {
        let scheme = url.part(CURLUPART_SCHEME)?.lowercased() ?? ""
        guard scheme == "https" else { throw .refused("scheme '\(scheme)' is refused: HTTPS only") }

        // "https://api.socket.dev@evil.example/" goes to evil.example; no allowed URL needs
        // user-info, so any is refused rather than interpreted.
        if url.part(CURLUPART_USER) != nil || url.part(CURLUPART_PASSWORD) != nil || url.part(CURLUPART_OPTIONS) != nil {
            throw .refused("\(url.redacted): user-info in URL is refused")
        }

        guard let rawHost = url.part(CURLUPART_HOST), !rawHost.isEmpty else { throw .refused("\(url.redacted): URL has no host") }
        // curl 7.88 keeps the host's case; write it back lowercased so the name checked here,
        // the name pinned in the resolve list and the name TLS verifies are one string.
        let host = rawHost.lowercased()
        if host != rawHost { url.set(CURLUPART_HOST, host) }

        let matching = allowedHosts.filter { $0.matches(host) }
        if let address = IPAddress.literal(host), matching.isEmpty {
            throw .refused("IP-literal host \(address) is refused: allowed_hosts must list the address itself")
        }
        guard !matching.isEmpty else { throw .refused("host '\(host)' is not in the provider's allowed_hosts") }

        guard let portText = url.part(CURLUPART_PORT, flags: CURLU_DEFAULT_PORT), let port = Int(portText) else {
            throw .refused("\(url.redacted): URL has no usable port")
        }
        guard matching.contains(where: { $0.allows(port: port) }) else {
            throw .refused("port \(port) on '\(host)' is refused: only 443 unless allowed_hosts lists '\(host):\(port)'")
        }
        return CheckedURL(url: url, host: host, port: port)
    }
}
