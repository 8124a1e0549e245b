import CCurl
import CCurlShim

/// One libcurl easy handle, driven through its own multi handle. The multi handle owns the
/// connection cache (and DNS cache), which survives `reset()`: that is how egress reuses
/// connections — a provider's requests take a handle from its pool, and the next request on it
/// finds the connection still open.
///
/// The multi interface is used, rather than `curl_easy_perform`, so that egress polls in short
/// slices and notices cancellation within ~`pollMilliseconds`; curl alone checks progress only
/// about once a second while a transfer is idle.
final class CurlEasy: @unchecked Sendable {
    // @unchecked: a handle is used by one thread at a time; `CurlHandlePool` hands it out
    // exclusively and takes it back before anyone else can have it.
    let handle: UnsafeMutableRawPointer
    private let multi: UnsafeMutableRawPointer
    static let pollMilliseconds: Int32 = 25

    init() {
        CurlGlobal.ensureInitialised()
        guard let handle = curl_easy_init(), let multi = curl_multi_init() else { preconditionFailure("curl_easy_init: out of memory") }
        self.handle = handle
        self.multi = multi
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_multi_cleanup(multi)  // closes the cached connections
    }

    /// Back to default options, keeping live connections, the DNS cache and TLS sessions.
    func reset() { curl_easy_reset(handle) }

    func set(_ option: CURLoption, _ value: Int) throws(EgressError) {
        try check(hub_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws(EgressError) {
        try check(hub_curl_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int) throws(EgressError) {
        try check(hub_curl_setopt_off(handle, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(EgressError) {
        try check(hub_curl_setopt_pointer(handle, option, value), option)
    }

    func set(_ option: CURLoption, list: CurlStringList) throws(EgressError) {
        try check(hub_curl_setopt_slist(handle, option, list.head), option)
    }

    func set(url: CurlURL) throws(EgressError) {
        try check(hub_curl_setopt_curlu(handle, url.handle), CURLOPT_CURLU)
    }

    /// Runs the transfer to completion, or until `shouldStop` says so (then
    /// `CURLE_ABORTED_BY_CALLBACK`, as if the progress callback had stopped it).
    func perform(shouldStop: () -> Bool) -> CURLcode {
        guard curl_multi_add_handle(multi, handle) == CURLM_OK else { return CURLE_FAILED_INIT }
        defer { curl_multi_remove_handle(multi, handle) }
        while true {
            var running: Int32 = 0
            let code = curl_multi_perform(multi, &running)
            guard code == CURLM_OK else { return CURLE_OUT_OF_MEMORY }
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
            }
            if running == 0 { return CURLE_OK }  // unreachable: a finished transfer posts DONE
            if shouldStop() { return CURLE_ABORTED_BY_CALLBACK }
            _ = curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil)
        }
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        _ = hub_curl_getinfo_long(handle, info, &value)
        return value
    }

    /// A refused option means this libcurl lacks a feature egress relies on (an HTTPS-only
    /// protocol list, say); sending without it would be sending unguarded, so the request fails.
    private func check(_ code: CURLcode, _ option: CURLoption) throws(EgressError) {
        guard code != CURLE_OK else { return }
        throw .transport("libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
    }
}
