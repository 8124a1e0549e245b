import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A test CA and server certificates, made with the `openssl` CLI in a temporary directory the
/// first time a test asks. Nothing here is committed: the keys exist only for one test run.
struct TestCertificates: Sendable {
    /// Names the upstream fakes answer for: the real upstream hosts (reached through
    /// `connect_to`) and `localhost` (reached without it, to exercise `allow_cidrs`).
    static let upstreamNames = [
        "api.socket.dev", "socket.dev", "sentry.io", "*.ingest.sentry.io", "*.ingest.us.sentry.io",
        "app.netdata.cloud", "abc.supabase.co", "localhost",
    ]

    struct Identity: Sendable {
        var certificate: String
        var key: String
    }

    let directory: String
    /// The test CA's certificate: `EgressPolicy.caFile` in tests.
    let caFile: String
    /// Signed by the test CA for `upstreamNames`.
    let upstream: Identity
    /// Signed by the test CA for `wrong.example` only: a name-mismatch server.
    let wrongName: Identity

    static func shared() throws -> TestCertificates { try cached.get() }

    private static let cached: Result<TestCertificates, any Error> = Result { try TestCertificates.generate() }

    private static func generate() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mcp-hub-egress-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { TestCertificates.removeDirectories() }
        createdDirectories.withLock { $0.append(directory) }

        // EC P-256 keys: generated in milliseconds, unlike RSA.
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + newKey + [
            "-keyout", "\(directory)/ca.key", "-out", "\(directory)/ca.pem", "-days", "2",
            "-subj", "/CN=mcp-hub egress test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        func issue(_ name: String, for hosts: [String]) throws -> Identity {
            let base = "\(directory)/\(name)"
            try openssl(["req"] + newKey + ["-keyout", "\(base).key", "-out", "\(base).csr", "-subj", "/CN=\(hosts[0])"])
            let extensions = """
                subjectAltName=\(hosts.map { "DNS:\($0)" }.joined(separator: ","))
                basicConstraints=CA:FALSE
                keyUsage=critical,digitalSignature
                extendedKeyUsage=serverAuth

                """
            try extensions.write(toFile: "\(base).ext", atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", "\(base).csr", "-CA", "\(directory)/ca.pem", "-CAkey", "\(directory)/ca.key",
                "-CAcreateserial", "-out", "\(base).pem", "-days", "2", "-extfile", "\(base).ext",
            ])
            return Identity(certificate: "\(base).pem", key: "\(base).key")
        }
        return TestCertificates(
            directory: directory, caFile: "\(directory)/ca.pem",
            upstream: try issue("upstream", for: upstreamNames),
            wrongName: try issue("wrong-name", for: ["wrong.example"])
        )
    }

    private static let createdDirectories = Mutex<[String]>([])

    private static func removeDirectories() {
        for directory in createdDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: directory) }
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FakeError("openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}

/// One running `Tests/Fakes/upstream_fake.py`: HTTPS on 127.0.0.1:`port`, counters on a plain
/// HTTP control port. Stopped when the value is released (or by `stop()`).
final class TLSFake: @unchecked Sendable {
    // @unchecked: `process` and the pipes are set in init and only read afterwards; `stop` is
    // idempotent under `stopped`.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // HubHostTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fakes/upstream_fake.py").path

    struct Stats: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            var method: String
            var path: String
            var host: String?
        }
        /// TCP connections accepted (TLS failures included).
        var connections: Int
        var handshake_failures: Int
        /// HTTP requests that reached the fake, any path.
        var requests: Int
        var log: [Entry]
    }

    let port: Int
    let controlPort: Int
    private let process: Process
    private let input: Pipe
    private let stopped = Mutex(false)

    /// Starts a fake serving `identity` (the upstream certificate unless told otherwise) and
    /// returns once it printed its ready line.
    init(identity: TestCertificates.Identity? = nil) throws {
        let certificates = try TestCertificates.shared()
        let identity = identity ?? certificates.upstream
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--cert", identity.certificate, "--key", identity.key]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw FakeError("upstream_fake.py exited before its ready line") }
            received.append(chunk)
        }
        let line = String(decoding: received, as: UTF8.self)
        let fields = Dictionary(
            line.split(whereSeparator: \.isWhitespace).compactMap { field -> (String, Int)? in
                let parts = field.split(separator: "=")
                guard parts.count == 2, let value = Int(parts[1]) else { return nil }
                return (String(parts[0]), value)
            },
            uniquingKeysWith: { first, _ in first }
        )
        guard line.hasPrefix("READY"), let port = fields["port"], let controlPort = fields["control"] else {
            throw FakeError("unexpected ready line from upstream_fake.py: \(line)")
        }
        self.port = port
        self.controlPort = controlPort
    }

    deinit { stop() }

    /// The counters as the fake has them now. Requests are counted before they are answered,
    /// so once a client has its response the count already includes it.
    func stats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: try control("GET", "/stats"))
    }

    var requestCount: Int {
        get throws { try stats().requests }
    }

    func reset() throws { _ = try control("POST", "/reset") }

    /// Replaces the key set served at `/auth/v1/.well-known/jwks.json`.
    func serveJWKS(_ document: String) throws {
        let answer = String(decoding: try control("PUT", "/jwks", body: Data(document.utf8)), as: UTF8.self)
        guard answer.contains(#""jwks": true"#) else { throw FakeError("the fake refused the JWKS: \(answer)") }
    }

    /// How many requests reached `path` (query excluded) since the last reset.
    func requests(to path: String) throws -> Int {
        try stats().log.filter { $0.path.split(separator: "?").first.map(String.init) == path }.count
    }

    // MARK: The vendor fakes (Tests/Fakes/vendor_routes.py)

    /// One request as the vendor fakes recorded it: header names in lower case, body as text.
    struct VendorRequest: Decodable, Sendable {
        var method: String
        var host: String
        var path: String
        var query: [String: [String]]
        var headers: [String: String]
        var body: String
    }

    /// A fault for the next `times` requests to `host` whose path starts with `pathPrefix`: the
    /// vendor's own error shape for `status`, after `delayMs`; with no status, the request is
    /// answered normally once the delay has passed (an upstream that hangs).
    struct VendorFault: Encodable, Sendable {
        var host: String
        var path_prefix: String
        var status: Int?
        var times: Int = 1
        var retry_after: Int?
        var message: String?
        var delay_ms: Int = 0

        init(host: String, pathPrefix: String, status: Int?, times: Int = 1, retryAfter: Int? = nil,
             message: String? = nil, delayMs: Int = 0) {
            self.host = host
            path_prefix = pathPrefix
            self.status = status
            self.times = times
            retry_after = retryAfter
            self.message = message
            delay_ms = delayMs
        }
    }

    /// Sets fields of the fakes' `VendorState` from a JSON object, e.g. `{"socket_token":"new"}`
    /// to make Socket accept only a rotated key from now on.
    func setVendorState(_ json: String) throws {
        _ = try control("POST", "/vendor/state", body: Data(json.utf8))
    }

    func inject(_ fault: VendorFault) throws {
        _ = try control("POST", "/vendor/fault", body: try JSONEncoder().encode(fault))
    }

    /// Every request the vendor fakes saw since the last reset, oldest first.
    func vendorRequests(host: String? = nil) throws -> [VendorRequest] {
        let all = try JSONDecoder().decode([VendorRequest].self, from: try control("GET", "/vendor/requests"))
        return host.map { host in all.filter { $0.host == host } } ?? all
    }

    /// The envelopes Sentry's ingest fake accepted, as JSON text (an array).
    func sentryEventsJSON() throws -> String {
        String(decoding: try control("GET", "/vendor/sentry-events"), as: UTF8.self)
    }

    func stop() {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        try? input.fileHandleForWriting.close()  // the fake exits at end of stdin
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// A one-shot HTTP/1.0 exchange with the control port over a plain socket, so reading the
    /// counters needs neither TLS nor the code under test.
    private func control(_ method: String, _ path: String, body: Data = Data()) throws -> Data {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FakeError("socket: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(controlPort).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw FakeError("connect to the fake's control port: \(errno)") }
        let head = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + Array(body)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw FakeError("send to the fake's control port failed")
        }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let separator = Array("\r\n\r\n".utf8)
        guard let end = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
            throw FakeError("malformed control response")
        }
        let payload = Data(response[(end + separator.count)...])
        // A refused control request is a broken test, not an upstream answer: say so loudly.
        guard response.starts(with: Array("HTTP/1.0 200".utf8)) || response.starts(with: Array("HTTP/1.1 200".utf8)) else {
            throw FakeError("control \(method) \(path): \(String(decoding: response.prefix(200), as: UTF8.self))")
        }
        return payload
    }
}

struct FakeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
