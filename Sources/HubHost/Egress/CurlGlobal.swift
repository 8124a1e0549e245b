import CCurl

/// `curl_global_init` must run once per process, before any other curl call and not
/// concurrently with one. A `static let` is initialised exactly once, lazily and thread-safely,
/// which is precisely that contract.
enum CurlGlobal {
    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Call before creating any curl handle. Fails only if libcurl cannot initialise at all
    /// (out of memory, TLS library failure), which no request can recover from.
    static func ensureInitialised() {
        precondition(initialised, "curl_global_init failed: libcurl cannot be used in this process")
    }
}
