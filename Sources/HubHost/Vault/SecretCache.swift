import Foundation

/// Secret values in memory, kept in step with the backend so a rotation reaches every provider
/// within `refreshInterval` (`refresh_ms`, default 2 s) without a restart.
///
/// **Freshness.** An entry remembers when the backend last vouched for it (`verifiedAt`: the start
/// of the check, to be conservative). It is served from memory while younger than
/// `refreshInterval`; older, the caller re-checks it (a cheap version query, a read only when the
/// version moved). With `start()`, a background thread re-checks every cached name each half
/// interval, so callers normally never wait on the backend, and a rotation shows within about
/// half the interval plus one query.
///
/// **Monotonic.** All backend round trips go through one lock, so they are linearised: a check
/// that began later can never be overwritten by one that began earlier, and once a new value
/// (or a deletion) has been seen, the old value is never served again. A caller that already
/// holds the old String finishes its call with it.
///
/// **Unreachable vault.** This is a security trade-off, so it is a setting:
/// - `staleGrace == 0` (the default) fails closed: once an entry is older than `refreshInterval`
///   and the backend cannot confirm it, `value` throws `.unavailable` (HTTP 503). A revoked key
///   is never used while the vault is down, at the cost of availability.
/// - `staleGrace > 0` serves the last confirmed value until `refreshInterval + staleGrace` after
///   it was last confirmed, then fails closed. This rides out a database restart, but a key
///   revoked during the outage stays in use for at most that long.
/// Only `.unavailable` is graced; `.corrupt`, `.insecurePermissions` and `.notFound` always fail.
final class SecretCache: Sendable {
    /// Monotonic time since an arbitrary origin; injectable so tests can move time by hand.
    typealias Clock = @Sendable () -> Duration

    let backend: any SecretBackend
    let refreshInterval: Duration
    let staleGrace: Duration
    private let now: Clock
    private let entries = VaultLocked<[String: Entry]>([:])
    /// Serialises backend round trips (see "Monotonic" above).
    private let backendLock = VaultLocked<Void>(())
    private let refresher = VaultLocked<SecretRefresher?>(nil)

    private struct Entry {
        var value: String
        var version: String
        var verifiedAt: Duration
    }

    init(
        backend: any SecretBackend,
        refreshInterval: Duration = .milliseconds(2000),
        staleGrace: Duration = .zero,
        clock: Clock? = nil
    ) {
        self.backend = backend
        self.refreshInterval = refreshInterval
        self.staleGrace = staleGrace
        self.now = clock ?? Self.continuousClock()
    }

    deinit { stop() }

    /// The current value of `name`. Blocking: call it from the blocking pool, not from async code.
    func value(_ name: String) throws(SecretError) -> String {
        try SecretName.validate(name)
        if let entry = entries.withLock({ $0[name] }), now() - entry.verifiedAt < refreshInterval {
            return entry.value
        }
        return try revalidate(name)
    }

    /// Every cached value whose name `scope` permits: what a provider could have seen, for
    /// `SecretRedactor`.
    func cachedValues(permittedBy scope: SecretScope) -> [String] {
        entries.withLock { entries in entries.filter { scope.permits($0.key) }.map(\.value.value) }
    }

    /// Starts the background refresher (idempotent).
    func start() {
        let refresher = refresher.withLock { refresher in
            if refresher == nil {
                refresher = SecretRefresher(interval: refreshInterval / 2) { [weak self] in self?.refreshAll() }
            }
            return refresher!
        }
        refresher.start()
    }

    func stop() {
        refresher.withLock { $0 }?.stop()
    }

    /// Re-checks every cached name with one version query, re-reading only those that changed and
    /// dropping those that were deleted. Failures leave entries to age: `value` then applies the
    /// stale-grace rule.
    func refreshAll() {
        backendLock.withLock { _ in
            let names = entries.withLock { Array($0.keys) }
            guard !names.isEmpty else { return }
            let started = now()
            guard let versions = try? backend.versions(of: names) else { return }
            for name in names {
                let cachedVersion = entries.withLock { $0[name]?.version }
                switch versions[name] {
                case nil:
                    entries.withLock { $0[name] = nil }
                case cachedVersion:
                    entries.withLock { $0[name]?.verifiedAt = started }
                default:
                    switch Result(catching: { () throws(SecretError) in try backend.read(name) }) {
                    case .success(let found?): store(name, found, verifiedAt: started)
                    case .success(nil): entries.withLock { $0[name] = nil }
                    case .failure: break
                    }
                }
            }
        }
    }

    // MARK: - Revalidation

    private func revalidate(_ name: String) throws(SecretError) -> String {
        try backendLock.withLock { (_: inout Void) throws(SecretError) -> String in
            // Someone else may have refreshed it while we waited for the lock.
            let cached = entries.withLock { $0[name] }
            if let cached, now() - cached.verifiedAt < refreshInterval { return cached.value }

            let started = now()
            do throws(SecretError) {
                if let cached {
                    let version = try backend.versions(of: [name])[name]
                    if version == cached.version {
                        entries.withLock { $0[name]?.verifiedAt = started }
                        return cached.value
                    }
                }
                guard let found = try backend.read(name) else {
                    entries.withLock { $0[name] = nil }
                    throw SecretError.notFound(name: name)
                }
                store(name, found, verifiedAt: started)
                return found.value
            } catch {
                if case .unavailable = error, let cached, withinGrace(cached) { return cached.value }
                throw error
            }
        }
    }

    private func withinGrace(_ entry: Entry) -> Bool {
        staleGrace > .zero && now() - entry.verifiedAt < refreshInterval + staleGrace
    }

    private func store(_ name: String, _ found: (value: String, version: String), verifiedAt: Duration) {
        entries.withLock { $0[name] = Entry(value: found.value, version: found.version, verifiedAt: verifiedAt) }
    }

    private static func continuousClock() -> Clock {
        let origin = ContinuousClock.now
        return { ContinuousClock.now - origin }
    }
}
