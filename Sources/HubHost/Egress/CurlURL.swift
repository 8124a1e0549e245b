import CCurl

/// A URL held in libcurl's own parser (`CURLU`). Egress checks the parts this object reports
/// and then hands the very same object to the transfer (`CURLOPT_CURLU`), so no second parser
/// can read the string differently from the one that checked it.
final class CurlURL {
    let handle: OpaquePointer

    /// Parses an absolute URL. Any scheme is accepted here so that `gopher://` is refused by the
    /// scheme rule with a clear message, not by a parse error.
    init(parsing text: String) throws(EgressError) {
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

    private static func withoutQuery(_ text: String) -> Substring {
        text.prefix { $0 != "?" && $0 != "#" }
    }
}
