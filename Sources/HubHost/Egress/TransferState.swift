#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CCurl

/// What curl's callbacks share during one hop: the response being collected and the limits
/// that may stop it. Lives on the calling thread's stack of calls for exactly one
/// `curl_easy_perform`; curl reaches it through the callbacks' context pointer.
final class TransferState {
    enum Stop: Equatable {
        case tooLarge
        case deadline
        case cancelled
        /// curl tried to open a socket to an address egress had not checked.
        case unexpectedAddress(String)
    }

    let deadline: ContinuousClock.Instant
    let isCancelled: @Sendable () -> Bool
    let maxBytes: Int
    let plan: ConnectionPlan

    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var stop: Stop?

    init(deadline: ContinuousClock.Instant, isCancelled: @escaping @Sendable () -> Bool, maxBytes: Int, plan: ConnectionPlan) {
        self.deadline = deadline
        self.isCancelled = isCancelled
        self.maxBytes = maxBytes
        self.plan = plan
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> TransferState {
        Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
    }

    // MARK: curl callbacks (C function pointers: no captures, state comes through `context`)

    /// Body bytes. Returning a short count makes curl fail the transfer, which is how the size
    /// cap cuts a response that did not announce its length.
    static let write: curl_write_callback = { data, size, count, context in
        let state = TransferState.from(context)
        let length = size * count
        guard state.body.count + length <= state.maxBytes else {
            state.stop = .tooLarge
            return 0
        }
        if let data { state.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
        return length
    }

    /// Header lines, one per call. A status line starts a new response (an interim 100 or a
    /// proxy's answer), so headers collected so far are dropped.
    static let header: curl_write_callback = { data, size, count, context in
        let state = TransferState.from(context)
        let length = size * count
        guard let data else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            .trimmingSuffix(while: \.isNewline)
        if line.hasPrefix("HTTP/") {
            state.headers = []
        } else if let first = line.first, first == " " || first == "\t", !state.headers.isEmpty {
            state.headers[state.headers.count - 1].value += " " + line.trimmingWhitespace()  // obsolete line folding
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            state.headers.append((name: name, value: String(line[line.index(after: colon)...]).trimmingWhitespace()))
        }
        if state.headers.count > 1000 {
            state.stop = .tooLarge
            return 0
        }
        return length
    }

    /// Called by curl while the transfer runs. It only runs when curl does work (at least once a
    /// second when idle), so `CurlEasy.perform` also asks `shouldStop` between short polls.
    static let progress: curl_xferinfo_callback = { context, _, _, _, _ in
        TransferState.from(context).shouldStop() ? 1 : 0
    }

    /// Whether the caller gave up or the deadline passed; records which.
    func shouldStop() -> Bool {
        if stop == nil && isCancelled() { stop = .cancelled }
        if stop == nil && ContinuousClock.now >= deadline { stop = .deadline }
        return stop != nil
    }

    /// The last word before a connection: the address curl is about to connect to must be one
    /// egress resolved and checked. With the resolve list pinned this always holds; the check is
    /// here so that a curl behaviour we did not foresee fails closed instead of open.
    static let openSocket: curl_opensocket_callback = { context, purpose, address in
        let state = TransferState.from(context)
        guard let address else { return -1 }
        let offset = MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr)!
        let socketAddress = UnsafeRawPointer(address).advanced(by: offset)
        guard let (ip, port) = IPAddress.from(sockaddr: socketAddress) else {
            state.stop = .unexpectedAddress("a non-IP socket")
            return -1
        }
        guard state.plan.permittedAddresses.contains(ip), port == state.plan.permittedPort else {
            state.stop = .unexpectedAddress("\(ip) port \(port)")
            return -1
        }
        #if os(Linux)
        // CLOEXEC as curl's own socket() does: a provider's connection must not leak into a
        // child process the host spawns.
        let type = address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = address.pointee.socktype
        #endif
        return socket(address.pointee.family, type, address.pointee.protocol)
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self[...]
        while let last = text.last, predicate(last) { text = text.dropLast() }
        return String(text)
    }

    fileprivate func trimmingWhitespace() -> String {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
