import CCurl

/// A URL held in libcurl's own parser (`CURLU`). Egress checks the parts this object reports
/// and then hands the very same object to the transfer (`CURLOPT_CURLU`), so no second parser
/// can read the string differently from the one that checked it.
final class CurlURL {
    let handle: OpaquePointer

    /// Parses an absolute URL. Any scheme is accepted here so that `gopher://` is refused by the
    /// scheme rule with a clear message, not by a parse error.
    init(parsing text: String) throws(EgressError) {
        try RawURLText.check(text, what: "URL")
        guard let handle = curl_url() else { preconditionFailure("curl_url: out of memory") }
        self.handle = handle
        let code = curl_url_set(handle, CURLUPART_URL, text, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard code == CURLUE_OK else {
            throw .refused("'\(Self.withoutQuery(text))' is not a valid URL (\(String(cString: curl_url_strerror(code))))")
        }
    }

    private init(duplicate handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { curl_url_cleanup(handle) }

    func copy() -> CurlURL {
        guard let duplicate = curl_url_dup(handle) else { preconditionFailure("curl_url_dup: out of memory") }
        return CurlURL(duplicate: duplicate)
    }

    /// `location` (absolute or relative, as a Location header gives it) resolved against this
    /// URL, by curl, as curl would have done had it followed the redirect itself.
    func resolving(_ location: String) throws(EgressError) -> CurlURL {
        try RawURLText.check(location, what: "redirect Location")
        let next = copy()
        let code = curl_url_set(next.handle, CURLUPART_URL, location, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard code == CURLUE_OK else {
            throw .refused("redirect Location '\(Self.withoutQuery(location))' is not a valid URL (\(String(cString: curl_url_strerror(code))))")
        }
        return next
    }

    /// One component, or nil when the URL has none.
    func part(_ part: CURLUPart, flags: Int32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    func set(_ part: CURLUPart, _ value: String?) {
        _ = curl_url_set(handle, part, value, 0)
    }

    /// The URL for error messages and logs: the password becomes `***` and the query and
    /// fragment are dropped, because API keys travel there.
    var redacted: String {
        let shown = copy()
        if shown.part(CURLUPART_PASSWORD) != nil { shown.set(CURLUPART_PASSWORD, "***") }
        shown.set(CURLUPART_QUERY, nil)
        shown.set(CURLUPART_FRAGMENT, nil)
        return shown.part(CURLUPART_URL) ?? "(unprintable URL)"
    }

    private static func withoutQuery(_ text: String) -> String {
        LogText.escaped(String(text.prefix { $0 != "?" && $0 != "#" }))
    }
}

/// What the URL gate refuses before any parser reads the text: a gate must not decide on a host
/// it first had to decode (`api%2Esocket%2Edev` is api.socket.dev to libcurl), so anything
/// encoded or odd in the authority is refused, fail closed — as are control characters and
/// spaces anywhere. Messages escape what they quote, so a CR/LF cannot forge a log line.
enum RawURLText {
    static func check(_ text: String, what: String) throws(EgressError) {
        if let bad = text.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.value > 0x7E }) {
            throw .refused("\(what) '\(LogText.escaped(clipped(text)))' is refused: it contains \(describe(bad))")
        }
        guard let authority = authority(of: text) else { return }
        if let bad = authority.unicodeScalars.first(where: { !allowedInAuthority($0) }) {
            throw .refused(
                "\(what) '\(LogText.escaped(clipped(text)))' is refused: its host part contains '\(Character(bad))' (hosts must be written plainly, not encoded)")
        }
    }

    /// The authority (`//` … up to `/`, `?` or `#`) of an absolute or scheme-relative URL.
    static func authority(of text: String) -> Substring? {
        var rest = text[...]
        if let colon = rest.firstIndex(of: ":"),
            rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
            rest.first?.isLetter == true
        {
            rest = rest[rest.index(after: colon)...]
        }
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }

    /// Letters, digits, `-`, `.`, `:` (port, IPv6), `[` `]` (IPv6 literal), `@` (user-info,
    /// which the gate then refuses with its own message), `_`.
    private static func allowedInAuthority(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", ":", "[", "]", "@", "_": true
        default: false
        }
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        scalar.value > 0x7E && scalar.value != 0x7F
            ? "a non-ASCII character (write the host in punycode)" : "a control character or space (U+\(String(format: "%04X", scalar.value)))"
    }

    private static func clipped(_ text: String) -> String {
        let shown = text.prefix { $0 != "?" && $0 != "#" }
        return shown.count > 200 ? String(shown.prefix(200)) + "…" : String(shown)
    }
}
