/// The method, headers and body of one hop, checked so curl receives nothing it would put on
/// the wire in a way the provider did not mean (a CR/LF in a value would split the request).
struct OutgoingRequest: Sendable {
    var method: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// Headers egress or curl owns: letting a provider set `Host` would send one name in TLS
    /// and another to the server; the framing headers must match what curl actually sends.
    static let reservedHeaders: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "expect", "te", "upgrade"]

    init(validating request: EgressRequest) throws(EgressError) {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .refused("method '\(request.method)' is not an HTTP method token")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .refused("header name '\(header.name)' is not an HTTP token")
            }
            guard !Self.reservedHeaders.contains(header.name.lowercased()) else {
                throw .refused("header '\(header.name)' is set by the host and may not be supplied")
            }
            // The value is never quoted back: it may be a credential.
            guard !header.value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 }) else {
                throw .refused("header '\(header.name)' has a CR, LF or NUL in its value")
            }
        }
        self.method = request.method
        self.headers = request.headers
        self.body = request.body
    }

    init(method: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
