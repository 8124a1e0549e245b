import Foundation

/// Caches the project's JWKS and decides when to fetch it again.
///
/// - Keys are trusted for at most `lifetime` after a successful fetch.
/// - An unknown `kid` triggers a refetch (that is how a rotated-in key is picked up without a
///   restart), but at most once per `minRefetchInterval`: made-up `kid`s must not turn into
///   a stream of requests to Supabase.
/// - Concurrent callers share the one fetch in flight.
/// - A failed fetch keeps the previous keys until they expire.
actor JWKSCache {
    private typealias Keys = [String: VerificationKey]

    private let source: any JWKSSource
    private let lifetime: TimeInterval
    private let minRefetchInterval: TimeInterval
    private let now: @Sendable () -> Date

    private var keys: Keys = [:]
    private var loadedAt: Date?
    private var lastAttempt: Date?
    private var inFlight: (id: Int, task: Task<Keys, any Error>)?
    private var nextFetchID = 0

    init(source: any JWKSSource, lifetimeSeconds: Int, minRefetchIntervalSeconds: Int, now: @escaping @Sendable () -> Date) {
        self.source = source
        self.lifetime = TimeInterval(lifetimeSeconds)
        self.minRefetchInterval = TimeInterval(minRefetchIntervalSeconds)
        self.now = now
    }

    func key(for kid: String) async throws(AuthFailure) -> VerificationKey {
        if isFresh, let key = keys[kid] { return key }
        await refresh()
        guard isFresh else { throw .keysUnavailable }
        guard let key = keys[kid] else { throw .unknownKey }
        return key
    }

    private var isFresh: Bool {
        guard let loadedAt else { return false }
        return now().timeIntervalSince(loadedAt) < lifetime
    }

    /// Joins the fetch in flight, or starts one unless the last attempt was too recent.
    private func refresh() async {
        if let inFlight {
            await settle(inFlight)
            return
        }
        let start = now()
        if let lastAttempt, start.timeIntervalSince(lastAttempt) < minRefetchInterval { return }
        lastAttempt = start

        let source = self.source
        let fetch = (id: nextFetchID, task: Task<Keys, any Error> { try await JWKSKeySet.parse(source.fetchJWKS()) })
        nextFetchID += 1
        inFlight = fetch
        await settle(fetch)
    }

    /// Waits for a fetch; whichever waiter resumes first installs the result, exactly once.
    private func settle(_ fetch: (id: Int, task: Task<Keys, any Error>)) async {
        let result = await fetch.task.result
        guard inFlight?.id == fetch.id else { return }
        inFlight = nil
        if case .success(let fetched) = result {
            keys = fetched
            loadedAt = now()
        }
    }
}
