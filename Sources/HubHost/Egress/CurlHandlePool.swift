import Synchronization

/// A provider's idle curl handles. Requests take one, use it alone, and give it back, so the
/// connections it holds are reused by the provider's next request — and only by that provider.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasy]>([])
    /// More idle handles than concurrent calls would just hold sockets open.
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func checkout() -> CurlEasy {
        idle.withLock { $0.popLast() } ?? CurlEasy()
    }

    func checkin(_ easy: CurlEasy) {
        // Reset before parking: the options point into memory of the finished call.
        easy.reset()
        let surplus = idle.withLock { handles -> CurlEasy? in
            guard handles.count < capacity else { return easy }
            handles.append(easy)
            return nil
        }
        _ = surplus  // released outside the lock: curl_easy_cleanup closes sockets
    }
}
