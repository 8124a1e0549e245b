import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
@testable import HubHost

#if canImport(Glibc)
import Glibc
#endif

/// Fault 11: a connection that does not finish its request is closed; the server keeps answering.
@Suite struct ConnectionDeadlineTests {
    /// A raw TCP client: what a half-open or slow client really is.
    final class RawConnection: @unchecked Sendable {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw FixtureError("connect: \(errno)") }
            // A stall guard for the read below, not a timing assertion.
            var limit = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        func send(_ text: String) {
            _ = Array(text.utf8).withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
        }

        func readAll() -> String {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return String(decoding: received, as: UTF8.self) }
                received += buffer[0..<count]
            }
        }

        /// Reads until the server closes the connection; true if it did (false: the guard ran out).
        func waitForClose() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }
            }
        }
    }

    @Test func halfOpenAndSlowRequestsAreClosedAndTheServerStillAnswers() async throws {
        let hub = try TestHub(
            providers: ProviderYAML.template(),
            hubExtra: "  http: { header_timeout_ms: 300, body_timeout_ms: 300, idle_timeout_ms: 60000, max_connections: 64 }")
        var hubSettings = hub.config.hub
        hubSettings.listen = ListenAddress(host: "127.0.0.1", port: 0)
        let app = HubApplication.make(
            hub.runtime, http: hubSettings.http,
            configuration: HubHTTPServer.configuration(hubSettings, logger: Logger(label: "test")))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let connections = try (0..<20).map { _ in try RawConnection(port: port) }
            for (index, connection) in connections.enumerated() {
                switch index % 3 {
                case 0: break  // connects and says nothing
                case 1: connection.send("GET /healthz HTTP/1.1\r\nHost: hub\r\n")  // a head that never ends
                default: connection.send("POST /providers/template/echo HTTP/1.1\r\nHost: hub\r\nContent-Length: 100\r\n\r\n{")
                }
            }
            let closed = await Blocking.runValue { connections.map { $0.waitForClose() } }
            #expect(closed.allSatisfy { $0 }, "every stalled connection is closed by the server")

            // A fresh connection (the test client's own idle one was closed too, as it should be).
            let fresh = try RawConnection(port: port)
            fresh.send("GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
            let answer = await Blocking.runValue { fresh.readAll() }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        }
    }

    /// The cap refuses to accept past the limit, and memory is handed back once a spike of
    /// connections is gone (counted through an injected trim, not measured).
    @Test func theConnectionLimitCapsAndTrimsAfterASpike() {
        let trims = Mutex(0)
        var limit = ConnectionLimit(maxConnections: 100, spike: 16) { trims.withLock { $0 += 1 } }
        for _ in 0..<100 { limit.connectionOpened() }
        #expect(!limit.isAcceptingNewConnections())
        for _ in 0..<98 { limit.connectionClosed() }
        #expect(limit.isAcceptingNewConnections())
        #expect(trims.withLock { $0 } == 1, "one trim when the spike is over")
        for _ in 0..<2 { limit.connectionClosed() }
        for _ in 0..<5 { limit.connectionOpened(); limit.connectionClosed() }
        #expect(trims.withLock { $0 } == 1, "ordinary traffic does not trim")
    }

    @Test func theHTTPBlockParsesWithDefaults() throws {
        let hub = try TestHub(providers: ProviderYAML.template())
        #expect(hub.config.hub.http == .default)
    }
}

extension Blocking {
    static func runValue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}
