import CCurl
import CCurlShim

/// What one request/response exchange brought back.
struct HopResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// Runs one hop on a curl handle with every guard set: the checked URL object, HTTPS only, no
/// redirects, no proxy, TLS verified, the pinned addresses, the size cap and the deadline.
struct HopTransfer {
    let easy: CurlEasy
    let target: CheckedURL
    let plan: ConnectionPlan
    let request: OutgoingRequest
    let policy: EgressPolicy

    func run(deadline: ContinuousClock.Instant, isCancelled: @escaping @Sendable () -> Bool) throws(EgressError) -> HopResponse {
        let remaining = deadline - .now
        guard remaining > .zero else { throw .timeout }

        easy.reset()
        let state = TransferState(deadline: deadline, isCancelled: isCancelled, maxBytes: policy.maxResponseBytes, plan: plan)
        let context = Unmanaged.passUnretained(state).toOpaque()
        let headerList = CurlStringList(request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" } + ["Expect:"])
        let resolveList = CurlStringList(plan.resolveEntry.map { [$0] } ?? [])
        let connectToList = CurlStringList(plan.connectToEntry.map { [$0] } ?? [])
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer {
            // Nothing in the handle may point at this call's memory once it returns.
            easy.reset()
            errorBuffer.deallocate()
        }

        try easy.set(url: target.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "https")
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)  // each hop is checked by egress, not followed by curl
        try easy.set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM in a multithreaded process
        try easy.set(CURLOPT_PROXY, "")  // never an http_proxy/ALL_PROXY from the environment
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        try easy.set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        // CAINFO adds the extra CAs; the system store stays trusted through curl's CA path.
        if let caFile = policy.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        try easy.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(remaining))
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: policy.maxResponseBytes)
        try easy.set(CURLOPT_RESOLVE, list: resolveList)
        try easy.set(CURLOPT_CONNECT_TO, list: connectToList)
        try easy.set(CURLOPT_HTTPHEADER, list: headerList)
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try setMethodAndBody()
        try Self.check(hub_curl_set_write_function(easy.handle, TransferState.write, context))
        try Self.check(hub_curl_set_header_function(easy.handle, TransferState.header, context))
        try Self.check(hub_curl_set_xferinfo_function(easy.handle, TransferState.progress, context))
        try Self.check(hub_curl_set_opensocket_function(easy.handle, TransferState.openSocket, context))

        let code = withExtendedLifetime((state, headerList, resolveList, connectToList)) { easy.perform(shouldStop: state.shouldStop) }
        switch (code, state.stop) {
        case (CURLE_OK, _):
            return HopResponse(status: easy.info(CURLINFO_RESPONSE_CODE), headers: state.headers, body: state.body)
        case (_, .tooLarge?), (CURLE_FILESIZE_EXCEEDED, _):
            throw .responseTooLarge(limit: policy.maxResponseBytes)
        case (_, .deadline?), (CURLE_OPERATION_TIMEDOUT, _):
            throw .timeout
        case (_, .cancelled?):
            throw .transport("the call was cancelled while \(target.host) was answering")
        case (_, .unexpectedAddress(let what)?):
            throw .refused("curl tried to connect \(target.host) to \(what), which egress had not checked")
        default:
            let detail = String(cString: errorBuffer)
            let summary = String(cString: curl_easy_strerror(code))
            throw .transport("\(target.host): \(summary)" + (detail.isEmpty ? "" : " (\(detail))"))
        }
    }

    private func setMethodAndBody() throws(EgressError) {
        let method = request.method
        if !request.body.isEmpty || method == "POST" {
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: request.body.count)
            // COPYPOSTFIELDS: curl keeps its own copy, so the body's lifetime is not our problem.
            var body = request.body
            if body.isEmpty { body = [0] }  // a valid pointer; the size above is still 0
            try Self.check(body.withUnsafeMutableBytes { hub_curl_setopt_pointer(easy.handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
            if method != "POST" { try easy.set(CURLOPT_CUSTOMREQUEST, method) }
        } else if method == "GET" {
            try easy.set(CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            try easy.set(CURLOPT_NOBODY, 1)
        } else {
            try easy.set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// curl takes whole milliseconds; round up so a 0.4 ms remainder is not "no timeout" (0).
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }

    private static func check(_ code: CURLcode) throws(EgressError) {
        guard code != CURLE_OK else { return }
        throw .transport("libcurl refused an option: \(String(cString: curl_easy_strerror(code)))")
    }
}
