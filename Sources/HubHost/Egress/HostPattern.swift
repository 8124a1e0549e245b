/// One `allowed_hosts` entry.
///
/// - `api.socket.dev` allows exactly that name.
/// - `*.ingest.sentry.io` allows exactly one more label in front: `o123.ingest.sentry.io`, but
///   neither `ingest.sentry.io` itself (list it separately if wanted) nor `a.b.ingest.sentry.io`
///   — the same rule as a TLS wildcard certificate, so the allowlist is never wider than what a
///   reader of it would guess.
/// - `10.0.0.5` or `[fd00::5]` allows that IP-literal host; a URL may only name an address if
///   an entry names the same address.
/// - `:PORT` after any of these allows that port instead of 443 (`netdata.lan:19999`).
///
/// Names are lowercase ASCII (IDNs in their `xn--` form). A wildcard needs two labels after it
/// so `*.io` cannot open a whole top-level domain.
struct HostPattern: Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case exact(String)
        case subdomain(of: String)
        case address(IPAddress)
    }

    private let kind: Kind
    /// The port this entry allows; nil means 443 only.
    let port: Int?
    let description: String

    static let syntaxHelp =
        "a host name, *.domain or IP literal, optionally with :PORT (lowercase letters, digits, dots and hyphens; '*.' only as the leading label)"

    init(_ text: String) throws(EgressSyntaxError) {
        let invalid = EgressSyntaxError(text: text, expected: Self.syntaxHelp)
        let (hostText, port) = try Self.splitPort(text, invalid: invalid)
        if hostText.hasPrefix("[") && hostText.hasSuffix("]") {
            guard let address = IPAddress(String(hostText.dropFirst().dropLast())), !address.isIPv4 else { throw invalid }
            kind = .address(address)
        } else if let address = IPAddress(hostText), address.isIPv4 {
            kind = .address(address)
        } else if hostText.hasPrefix("*.") {
            let base = String(hostText.dropFirst(2))
            guard Self.isName(base), base.split(separator: ".").count >= 2 else { throw invalid }
            kind = .subdomain(of: base)
        } else {
            guard Self.isName(hostText) else { throw invalid }
            kind = .exact(hostText)
        }
        self.port = port
        self.description = text
    }

    static func isValid(_ text: String) -> Bool { (try? HostPattern(text)) != nil }

    /// Whether `host` — as curl's URL parser gives it, lowercased, IPv6 in brackets — is allowed.
    /// The port is checked separately by `allows(port:)`.
    func matches(_ host: String) -> Bool {
        switch kind {
        case .exact(let name):
            return host == name
        case .subdomain(let base):
            // Exactly one non-empty label before ".base": a suffix test alone would let
            // "evilingest.sentry.io" or "a.b.ingest.sentry.io" through.
            guard host.hasSuffix("." + base) else { return false }
            let label = host.dropLast(base.count + 1)
            return !label.isEmpty && Self.isLabel(label) && IPAddress.literal(host) == nil
        case .address(let address):
            return IPAddress.literal(host) == address
        }
    }

    func allows(port: Int) -> Bool { port == (self.port ?? 443) }

    private static func splitPort(_ text: String, invalid: EgressSyntaxError) throws(EgressSyntaxError) -> (String, Int?) {
        // A colon after "]" or, outside brackets, the only colon, starts a port.
        let hostEnd: String.Index
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid }
            hostEnd = text.index(after: close)
        } else {
            hostEnd = text.firstIndex(of: ":") ?? text.endIndex
        }
        let rest = text[hostEnd...]
        guard !rest.isEmpty else { return (text, nil) }
        guard rest.first == ":", rest.count > 1, rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(rest.dropFirst()), (1...65535).contains(port)
        else { throw invalid }
        return (String(text[..<hostEnd]), port)
    }

    private static func isName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        // A top-level label is never all digits; requiring a letter keeps "1.2.3" (which curl
        // would read as the address 1.2.0.3) from passing as a name.
        guard name.utf8.count <= 253, let last = labels.last, last.contains(where: \.isLetter) else { return false }
        return labels.allSatisfy(isLabel)
    }

    private static func isLabel(_ label: Substring) -> Bool {
        guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
        return label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

extension IPAddress {
    /// The address a URL host names, if it is an IP literal: dotted IPv4 (curl has already turned
    /// `2130706433` and `0x7f.1` into that form) or bracketed IPv6.
    static func literal(_ host: String) -> IPAddress? {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            var inner = String(host.dropFirst().dropLast())
            if let zone = inner.firstIndex(of: "%") { inner = String(inner[..<zone]) }
            return IPAddress(inner)
        }
        return IPAddress(host)
    }
}
