import Crypto
import Foundation
import Synchronization

/// Handshake-era sessions (`initialize` → `Mcp-Session-Id`). A session is bound to the caller who
/// opened it: the id alone is not a credential, and a request presenting it with another user's
/// token is refused (and audited by the endpoint). Bounded in number and idle time; an expired or
/// unknown id gets 404, which tells a client to initialize again.
final class MCPSessions: Sendable {
    struct Session: Sendable {
        let id: String
        let callerId: String
        let protocolVersion: String
        var lastUsed: ContinuousClock.Instant
        /// Calls in flight by JSON-RPC id, so `notifications/cancelled` can withdraw them.
        var inFlight: [JSONValue: CallCancellation] = [:]
        /// The GET stream's outlet for server notifications (one per session, the newest wins).
        var notifications: AsyncStream<JSONValue>.Continuation?
    }

    enum Lookup: Sendable {
        case found(Session)
        case unknown
        case otherCaller(owner: String)
    }

    /// Open sessions one caller may hold; the oldest of theirs goes when they open another.
    static let perCaller = 16
    private let sessions = Mutex<[String: Session]>([:])
    private let idleLimit: Duration
    private let capacity: Int

    init(idleSeconds: Int, capacity: Int) {
        idleLimit = .seconds(idleSeconds)
        self.capacity = capacity
    }

    func open(callerId: String, protocolVersion: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let id = bytes.map { String(format: "%02x", $0) }.joined()
        let now = ContinuousClock.now
        let evicted: [Session] = sessions.withLock { sessions in
            var dropped = expire(&sessions, now: now)
            // One caller's sessions make room for each other first, so nobody can push everyone
            // else's sessions out by initializing in a loop; only then the hub-wide cap applies.
            let own = sessions.values.filter { $0.callerId == callerId }
            if own.count >= Self.perCaller, let oldest = own.min(by: { $0.lastUsed < $1.lastUsed }) {
                dropped.append(sessions.removeValue(forKey: oldest.id)!)
            } else if sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.lastUsed < $1.lastUsed }) {
                dropped.append(sessions.removeValue(forKey: oldest.id)!)
            }
            sessions[id] = Session(id: id, callerId: callerId, protocolVersion: protocolVersion, lastUsed: now)
            return dropped
        }
        evicted.forEach(Self.end)
        return id
    }

    /// The session for `id` if `callerId` owns it; touching it keeps it alive.
    func lookup(_ id: String, callerId: String) -> Lookup {
        let now = ContinuousClock.now
        return sessions.withLock { sessions in
            guard var session = sessions[id], now - session.lastUsed < idleLimit else { return .unknown }
            guard session.callerId == callerId else { return .otherCaller(owner: session.callerId) }
            session.lastUsed = now
            sessions[id] = session
            return .found(session)
        }
    }

    func close(_ id: String) {
        if let session = sessions.withLock({ $0.removeValue(forKey: id) }) { Self.end(session) }
    }

    func track(_ requestId: JSONValue, _ cancellation: CallCancellation, in id: String) {
        sessions.withLock { $0[id]?.inFlight[requestId] = cancellation }
    }

    func untrack(_ requestId: JSONValue, in id: String) {
        _ = sessions.withLock { $0[id]?.inFlight.removeValue(forKey: requestId) }
    }

    /// `notifications/cancelled`: withdraws the call if it is still running.
    func cancel(_ requestId: JSONValue, in id: String) {
        sessions.withLock { $0[id]?.inFlight[requestId] }?.cancel()
    }

    /// Opens the session's notification stream (the GET); a previous one is ended.
    func notifications(for id: String) -> (AsyncStream<JSONValue>, AsyncStream<JSONValue>.Continuation)? {
        let (stream, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let previous: AsyncStream<JSONValue>.Continuation?? = sessions.withLock { sessions in
            guard sessions[id] != nil else { return .none }
            let previous = sessions[id]?.notifications
            sessions[id]?.notifications = continuation
            return .some(previous)
        }
        guard case .some(let old) = previous else { return nil }
        old?.finish()
        return (stream, continuation)
    }

    var count: Int { sessions.withLock { $0.count } }

    func count(of callerId: String) -> Int { sessions.withLock { $0.values.filter { $0.callerId == callerId }.count } }

    private func expire(_ sessions: inout [String: Session], now: ContinuousClock.Instant) -> [Session] {
        let stale = sessions.values.filter { now - $0.lastUsed >= idleLimit }
        for session in stale { sessions[session.id] = nil }
        return stale
    }

    private static func end(_ session: Session) {
        session.notifications?.finish()
        session.inFlight.values.forEach { $0.cancel() }
    }
}
