import HummingbirdCore

#if canImport(Glibc)
import Glibc
#endif

/// The server's connection cap (`hub.http.max_connections`: past it, new connections wait in the
/// listen backlog instead of taking file descriptors and buffers), and the memory a burst of
/// connections used handed back: glibc keeps freed heap in its arenas, so after a spike of
/// hundreds of connections resident memory would stay at the peak. When the count falls back
/// from a spike to a few, the allocator is asked to return free pages (`malloc_trim`).
struct ConnectionLimit: AvailableConnectionsDelegate {
    let maxConnections: Int
    /// Connections at once that count as a spike worth trimming after.
    let spike: Int
    private let trim: @Sendable () -> Void
    private(set) var open = 0
    private(set) var peakSinceTrim = 0

    init(maxConnections: Int, spike: Int = 64, trim: @escaping @Sendable () -> Void = ConnectionLimit.releaseFreeMemory) {
        self.maxConnections = maxConnections
        self.spike = spike
        self.trim = trim
    }

    mutating func connectionOpened() {
        open += 1
        peakSinceTrim = max(peakSinceTrim, open)
    }

    mutating func connectionClosed() {
        open -= 1
        if peakSinceTrim >= spike, open <= spike / 8 {
            peakSinceTrim = open
            trim()
        }
    }

    func isAcceptingNewConnections() -> Bool { open < maxConnections }

    /// glibc's `malloc_trim(0)`, looked up at run time (malloc.h is not in Swift's Glibc module;
    /// another libc simply has no such function and nothing happens).
    @Sendable static func releaseFreeMemory() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }
}
