/// An outbound request. The URL must be https:// and its host within the provider's
/// `allowed_hosts`; the host checks it again (and every redirect hop) before sending.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Nil: whatever remains of the call's deadline (the host never allows more).
    public var timeout: Duration?

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Builds the C view of this request, valid only inside `body`.
    func withCRequest<R>(_ body: (UnsafePointer<hub_http_request>) -> R) -> R {
        // Keep every string alive for the duration of the call: copy them into one arena.
        let strings = [method, url] + headers.flatMap { [$0.name, $0.value] }
        let arena = strings.map { Array($0.utf8) }
        let cStrings = arena.map { bytes -> UnsafeMutableBufferPointer<CChar> in
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
            _ = buffer.initialize(from: bytes.map { CChar(bitPattern: $0) })
            return buffer
        }
        defer { cStrings.forEach { $0.deallocate() } }
        func str(_ index: Int) -> hub_str { hub_str(ptr: cStrings[index].baseAddress, len: arena[index].count) }

        var cHeaders = headers.indices.map { hub_http_header(name: str(2 + 2 * $0), value: str(3 + 2 * $0)) }
        return cHeaders.withUnsafeMutableBufferPointer { headerBuffer in
            self.body.withHubStr { bodyStr in
                var request = hub_http_request()
                request.struct_size = UInt32(MemoryLayout<hub_http_request>.size)
                request.method = str(0)
                request.url = str(1)
                request.headers = UnsafePointer(headerBuffer.baseAddress)
                request.header_count = headerBuffer.count
                request.body = bodyStr
                request.timeout_ms = timeout.map { UInt32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) } ?? 0
                return withUnsafePointer(to: &request) { body($0) }
            }
        }
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}
