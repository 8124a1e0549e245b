import Foundation
import Testing

@testable import HubHost

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Helpers

/// A fresh database with the Vault stand-in, retried because another test may be bouncing the
/// cluster for a fault test.
private func makeVaultDatabase() throws -> TestDatabase {
    var lastError: (any Error)?
    for _ in 0..<20 {
        do { return try TestDatabase() } catch {
            lastError = error
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
    throw lastError!
}

private func createSecret(_ name: String, _ value: String, in database: TestDatabase) throws -> String {
    let rows = try database.connect().execute("select vault.create_secret($1, $2)::text as id", [value, name])
    return try #require(rows[0, "id"])
}

private func rotateSecret(id: String, to value: String, in database: TestDatabase) throws {
    try database.connect().execute("select vault.update_secret($1::uuid, $2)", [id, value])
}

/// A private directory for one test's store and key, removed afterwards.
private final class TemporaryDirectory {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "vault-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var store: String { path + "/secrets.vault" }
    var key: String { path + "/secrets.key" }
}

private func mode(of path: String) -> mode_t {
    var info = stat()
    stat(path, &info)
    return info.st_mode & 0o7777
}

/// Polls `body` every 5 ms until it returns true or `limit` passes; returns the time it took.
private func waitUntil(limit: Duration, _ body: () throws -> Bool) rethrows -> Duration? {
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < limit {
        if try body() { return clock.now - start }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return nil
}

/// A backend whose failures the test switches on and off, over an in-memory map.
private final class ScriptedBackend: SecretBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: (String, Int)] = [:]
    private var failing = false
    private(set) var reads = 0

    func setFailing(_ value: Bool) { lock.withLock { failing = value } }

    func read(_ name: String) throws(SecretError) -> (value: String, version: String)? {
        lock.lock()
        defer { lock.unlock() }
        if failing { throw .unavailable("scripted outage") }
        reads += 1
        return secrets[name].map { ($0.0, String($0.1)) }
    }
    func versions(of names: [String]) throws(SecretError) -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        if failing { throw .unavailable("scripted outage") }
        return secrets.filter { names.contains($0.key) }.mapValues { String($0.1) }
    }
    func set(_ name: String, value: String) throws(SecretError) {
        lock.withLock { secrets[name] = (value, (secrets[name]?.1 ?? 0) + 1) }
    }
    func list() throws(SecretError) -> [SecretListing] { [] }
    func remove(_ name: String) throws(SecretError) -> Bool { lock.withLock { secrets.removeValue(forKey: name) != nil } }
}

/// A clock the test moves by hand.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Duration = .seconds(1000)
    func advance(_ by: Duration) { lock.withLock { current += by } }
    var now: Duration { lock.withLock { current } }
}

private func expectError(_ expected: (SecretError) -> Bool, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected an error, got success", sourceLocation: sourceLocation)
    } catch let error as SecretError {
        #expect(expected(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a SecretError, got \(error)", sourceLocation: sourceLocation)
    }
}

// MARK: - Supabase Vault (real PostgreSQL)

@Suite("Vault: Supabase backend")
struct SupabaseVaultTests {
    @Test("rotation with vault.update_secret is served within 5 s, and the old value never returns")
    func rotationIsPickedUp() throws {
        let database = try makeVaultDatabase()
        let id = try createSecret("socket_api_key", "sk_live_old_value_1234", in: database)
        let cache = SecretCache(backend: try SupabaseSecretBackend(conninfo: database.conninfo))  // refresh_ms 2000
        cache.start()
        defer { cache.stop() }
        #expect(try cache.value("socket_api_key") == "sk_live_old_value_1234")

        try rotateSecret(id: id, to: "sk_live_new_value_5678", in: database)
        let elapsed = try waitUntil(limit: .seconds(10)) { try cache.value("socket_api_key") == "sk_live_new_value_5678" }
        let measured = try #require(elapsed)
        print("[vault] supabase rotation visible after \(measured) (refresh 2 s, background refresher)")
        #expect(measured <= .seconds(5))

        for _ in 0..<200 {
            #expect(try cache.value("socket_api_key") == "sk_live_new_value_5678")
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    @Test("lazy refresh without the background thread also picks up a rotation within refresh_ms")
    func lazyRotation() throws {
        let database = try makeVaultDatabase()
        let id = try createSecret("sentry_dsn", "https://old@example.invalid/1", in: database)
        let cache = SecretCache(backend: try SupabaseSecretBackend(conninfo: database.conninfo), refreshInterval: .milliseconds(300))
        #expect(try cache.value("sentry_dsn") == "https://old@example.invalid/1")
        try rotateSecret(id: id, to: "https://new@example.invalid/1", in: database)
        let elapsed = try waitUntil(limit: .seconds(5)) { try cache.value("sentry_dsn") == "https://new@example.invalid/1" }
        let measured = try #require(elapsed)
        #expect(measured <= .milliseconds(300 + 500))  // refresh_ms + a little
    }

    @Test("set creates then updates by id, list shows names only, remove deletes")
    func roundTrip() throws {
        let database = try makeVaultDatabase()
        let backend = try SupabaseSecretBackend(conninfo: database.conninfo)
        try backend.set("socket_api_key", value: "first")
        let id = try database.connect().execute("select id::text from vault.secrets where name = 'socket_api_key'")[0, "id"]
        try backend.set("socket_api_key", value: "second")
        let after = try database.connect().execute("select id::text, secret from vault.secrets where name = 'socket_api_key'")
        #expect(after.rows.count == 1)
        #expect(after[0, "id"] == id)  // updated in place with vault.update_secret, not recreated
        #expect(try backend.read("socket_api_key")?.value == "second")

        try backend.set("sentry_dsn", value: "dsn")
        let listing = try backend.list()
        #expect(listing.map(\.name) == ["sentry_dsn", "socket_api_key"])
        #expect(listing.allSatisfy { abs($0.updatedAt.timeIntervalSinceNow) < 60 })

        #expect(try backend.versions(of: ["socket_api_key", "sentry_dsn", "missing_name"]).keys.sorted() == ["sentry_dsn", "socket_api_key"])
        #expect(try backend.remove("socket_api_key"))
        #expect(try backend.remove("socket_api_key") == false)
        #expect(try backend.read("socket_api_key") == nil)
        expectError({ $0 == .invalidName("Bad-Name") }) { _ = try backend.read("Bad-Name") }
    }

    @Test("a row Vault cannot decrypt (NULL decrypted_secret) is .corrupt, not .notFound")
    func undecryptable() throws {
        let database = try makeVaultDatabase()
        _ = try createSecret("socket_api_key", "x", in: database)
        try database.connect().execute("""
            create or replace view vault.decrypted_secrets as select id, name, description, secret,
                null::text as decrypted_secret, key_id, nonce, created_at, updated_at from vault.secrets
            """)
        let backend = try SupabaseSecretBackend(conninfo: database.conninfo)
        expectError({ if case .corrupt = $0 { true } else { false } }) { _ = try backend.read("socket_api_key") }
    }

    @Test("a deleted secret stops being served once the deletion is picked up")
    func deletionIsPickedUp() throws {
        let database = try makeVaultDatabase()
        _ = try createSecret("socket_api_key", "to_be_deleted", in: database)
        let cache = SecretCache(backend: try SupabaseSecretBackend(conninfo: database.conninfo), refreshInterval: .milliseconds(200))
        #expect(try cache.value("socket_api_key") == "to_be_deleted")
        try database.connect().execute("delete from vault.secrets where name = 'socket_api_key'")
        Thread.sleep(forTimeInterval: 0.25)
        expectError({ $0 == .notFound(name: "socket_api_key") }) { _ = try cache.value("socket_api_key") }
    }

    @Test("unreachable vault, fail-closed default: .unavailable once the entry is due")
    func failClosed() throws {
        let database = try makeVaultDatabase()
        _ = try createSecret("socket_api_key", "cached_value_1", in: database)
        let cache = SecretCache(backend: try SupabaseSecretBackend(conninfo: database.conninfo), refreshInterval: .milliseconds(200))
        #expect(try cache.value("socket_api_key") == "cached_value_1")

        // Stop serving: the database disappears under the open connection.
        try TestDatabase.dropForTest(database)
        Thread.sleep(forTimeInterval: 0.25)
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("socket_api_key") }

        // And a vault that was never reachable.
        let unreachable = SecretCache(backend: try SupabaseSecretBackend(conninfo: "host=/nonexistent-socket-dir dbname=nothing"))
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try unreachable.value("socket_api_key") }
    }

    @Test("unreachable vault with stale_grace: cached value served until refresh + grace, then .unavailable")
    func staleGrace() throws {
        let database = try makeVaultDatabase()
        _ = try createSecret("socket_api_key", "cached_value_2", in: database)
        let cache = SecretCache(
            backend: try SupabaseSecretBackend(conninfo: database.conninfo),
            refreshInterval: .milliseconds(200), staleGrace: .milliseconds(800))
        #expect(try cache.value("socket_api_key") == "cached_value_2")
        let confirmed = ContinuousClock.now

        try TestDatabase.dropForTest(database)
        Thread.sleep(forTimeInterval: 0.4)
        #expect(try cache.value("socket_api_key") == "cached_value_2")  // past refresh, inside grace

        let deadline = confirmed + .milliseconds(1000)
        Thread.sleep(until: deadline + .milliseconds(100))
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("socket_api_key") }
    }

    @Test("a conninfo carrying a password is refused")
    func passwordRefused() {
        expectError({ if case .unavailable(let message) = $0 { !message.contains("hunter2") } else { false } }) {
            _ = try SupabaseSecretBackend(conninfo: "host=localhost dbname=x password=hunter2")
        }
        expectError({ if case .unavailable = $0 { true } else { false } }) {
            _ = try SupabaseSecretBackend(conninfo: "postgresql://user:hunter2@localhost/x")
        }
    }
}

extension TestDatabase {
    /// Drops the database out from under its connections (the "vault stops serving" fault).
    fileprivate static func dropForTest(_ database: TestDatabase) throws {
        try PostgresConnection(conninfo: clusterConninfo).execute("DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)")
    }
}

extension Thread {
    fileprivate static func sleep(until deadline: ContinuousClock.Instant) {
        let remaining = deadline - ContinuousClock.now
        if remaining > .zero {
            Thread.sleep(forTimeInterval: Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
        }
    }
}

// MARK: - File backend

@Suite("Vault: file backend")
struct FileVaultTests {
    @Test("set / list / remove round trip; files created 0600")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let backend = try FileSecretBackend(storePath: directory.store, keyPath: directory.key, createIfMissing: true)
        #expect(mode(of: directory.store) == 0o600)
        #expect(mode(of: directory.key) == 0o600)

        try backend.set("socket_api_key", value: "sk_file_value")
        try backend.set("sentry_dsn", value: "https://k@sentry.invalid/2")
        #expect(try backend.read("socket_api_key")?.value == "sk_file_value")
        #expect(try backend.list().map(\.name) == ["sentry_dsn", "socket_api_key"])
        #expect(try backend.list().allSatisfy { abs($0.updatedAt.timeIntervalSinceNow) < 60 })
        #expect(mode(of: directory.store) == 0o600)  // still 0600 after an atomic replace

        let reopened = try FileSecretBackend(storePath: directory.store, keyPath: directory.key, createIfMissing: false)
        #expect(try reopened.read("sentry_dsn")?.value == "https://k@sentry.invalid/2")
        #expect(try reopened.remove("sentry_dsn"))
        #expect(try reopened.remove("sentry_dsn") == false)
        #expect(try backend.read("sentry_dsn") == nil)  // the other instance sees the new file
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test("refuses a 0644 store and a 0640 key, naming the file and its mode")
    func loosePermissions() throws {
        let directory = try TemporaryDirectory()
        _ = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)

        chmod(directory.store, 0o644)
        expectError({ $0 == .insecurePermissions(path: directory.store, mode: "0644") }) {
            _ = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        }
        let message = SecretError.insecurePermissions(path: directory.store, mode: "0644").description
        #expect(message.contains(directory.store) && message.contains("0644") && message.contains("chmod 600"))

        chmod(directory.store, 0o600)
        chmod(directory.key, 0o640)
        expectError({ $0 == .insecurePermissions(path: directory.key, mode: "0640") }) {
            _ = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        }

        // A store loosened while the hub runs is refused on the next refresh, not served.
        chmod(directory.key, 0o600)
        let backend = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        try backend.set("socket_api_key", value: "v")
        chmod(directory.store, 0o604)
        expectError({ $0 == .insecurePermissions(path: directory.store, mode: "0604") }) { _ = try backend.read("socket_api_key") }
    }

    @Test("the store holds no plaintext and cannot be opened with another key or without its key")
    func unreadableWithoutKey() throws {
        let directory = try TemporaryDirectory()
        let backend = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        let secret = "plaintext_canary_9f8e7d6c"
        try backend.set("socket_api_key", value: secret)

        let raw = try Data(contentsOf: URL(fileURLWithPath: directory.store))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(!text.contains(secret))
        #expect(!text.contains("socket_api_key"))  // names are sealed too
        #expect(raw.range(of: Data(secret.utf8.reversed())) == nil)
        for encoded in SecretRedactor.encodings(of: secret) { #expect(!text.contains(encoded)) }

        // Another key: the sealed box fails authentication.
        let other = try TemporaryDirectory()
        _ = try FileSecretBackend(storePath: other.store, keyPath: other.key)
        expectError({ if case .corrupt(let message) = $0 { message.contains(directory.store) } else { false } }) {
            _ = try FileSecretBackend(storePath: directory.store, keyPath: other.key, createIfMissing: false)
        }
        // No key at all: refused, never silently re-keyed.
        try FileManager.default.removeItem(atPath: directory.key)
        expectError({ if case .unavailable(let message) = $0 { message.contains(directory.key) } else { false } }) {
            _ = try FileSecretBackend(storePath: directory.store, keyPath: directory.key, createIfMissing: true)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.key))
    }

    @Test("a tampered store is .corrupt")
    func tampered() throws {
        let directory = try TemporaryDirectory()
        let backend = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        try backend.set("socket_api_key", value: "value_to_tamper")
        var text = try String(contentsOfFile: directory.store, encoding: .utf8)
        let sealedStart = try #require(text.range(of: "\"sealed\":\""))
        let target = text.index(sealedStart.upperBound, offsetBy: 30)
        text.replaceSubrange(target...target, with: text[target] == "A" ? "B" : "A")
        try SecretFileIO.replaceAtomically(directory.store, data: Data(text.utf8))
        expectError({ if case .corrupt = $0 { true } else { false } }) { _ = try backend.read("socket_api_key") }
    }

    @Test("a rewrite of the store by another process is served within refresh_ms")
    func rotationByRewrite() throws {
        let directory = try TemporaryDirectory()
        let served = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        try served.set("socket_api_key", value: "file_old_value")
        let cache = SecretCache(backend: served, refreshInterval: .milliseconds(500))
        cache.start()
        defer { cache.stop() }
        #expect(try cache.value("socket_api_key") == "file_old_value")

        let cli = try FileSecretBackend(storePath: directory.store, keyPath: directory.key, createIfMissing: false)
        try cli.set("socket_api_key", value: "file_new_value")
        let elapsed = try waitUntil(limit: .seconds(5)) { try cache.value("socket_api_key") == "file_new_value" }
        let measured = try #require(elapsed)
        print("[vault] file rotation visible after \(measured) (refresh 500 ms, background refresher)")
        #expect(measured <= .milliseconds(500 + 500))  // refresh_ms + a little
        for _ in 0..<50 { #expect(try cache.value("socket_api_key") == "file_new_value") }
    }
}

// MARK: - Cache semantics (scripted backend, manual clock)

@Suite("Vault: cache")
struct SecretCacheTests {
    @Test("serves from memory inside refresh_ms; re-checks versions, re-reads only on change")
    func cachesAndRevalidates() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "one")
        let clock = ManualClock()
        let cache = SecretCache(backend: backend, refreshInterval: .seconds(2), clock: { clock.now })
        #expect(try cache.value("socket_api_key") == "one")
        #expect(try cache.value("socket_api_key") == "one")
        #expect(backend.reads == 1)

        clock.advance(.seconds(3))
        #expect(try cache.value("socket_api_key") == "one")
        #expect(backend.reads == 1)  // version unchanged: no re-read

        try backend.set("socket_api_key", value: "two")
        #expect(try cache.value("socket_api_key") == "one")  // still inside refresh_ms
        clock.advance(.seconds(2))
        #expect(try cache.value("socket_api_key") == "two")
        #expect(backend.reads == 2)
    }

    @Test("fail-closed: no grace means .unavailable as soon as the entry is due")
    func failClosed() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "one")
        let clock = ManualClock()
        let cache = SecretCache(backend: backend, refreshInterval: .seconds(2), clock: { clock.now })
        #expect(try cache.value("socket_api_key") == "one")
        backend.setFailing(true)
        clock.advance(.milliseconds(1999))
        #expect(try cache.value("socket_api_key") == "one")
        clock.advance(.milliseconds(1))
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("socket_api_key") }
        backend.setFailing(false)
        #expect(try cache.value("socket_api_key") == "one")  // recovers without a restart
    }

    @Test("grace: cached value until refresh + grace after the last confirmation, then .unavailable")
    func grace() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "one")
        let clock = ManualClock()
        let cache = SecretCache(backend: backend, refreshInterval: .seconds(2), staleGrace: .seconds(30), clock: { clock.now })
        #expect(try cache.value("socket_api_key") == "one")
        backend.setFailing(true)
        clock.advance(.seconds(31))
        #expect(try cache.value("socket_api_key") == "one")
        clock.advance(.milliseconds(999))
        #expect(try cache.value("socket_api_key") == "one")
        clock.advance(.milliseconds(1))
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("socket_api_key") }
        // A name never cached has nothing to serve, grace or not.
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("sentry_dsn") }
    }

    @Test("the background refresher confirms entries, so callers do not wait on the backend")
    func backgroundKeepsWarm() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "one")
        let cache = SecretCache(backend: backend, refreshInterval: .milliseconds(100))
        cache.start()
        defer { cache.stop() }
        #expect(try cache.value("socket_api_key") == "one")
        try backend.set("socket_api_key", value: "two")
        let elapsed = waitUntil(limit: .seconds(2)) { (try? cache.value("socket_api_key")) == "two" }
        #expect(elapsed != nil)
        // With the backend down the refresher fails quietly; the fail-closed rule still holds.
        backend.setFailing(true)
        Thread.sleep(forTimeInterval: 0.15)
        expectError({ if case .unavailable = $0 { true } else { false } }) { _ = try cache.value("socket_api_key") }
    }
}

// MARK: - Scope

@Suite("Vault: scope")
struct SecretScopeTests {
    @Test("a socket_ prefix denies sentry_dsn")
    func prefix() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "socket")
        try backend.set("sentry_dsn", value: "sentry")
        let cache = SecretCache(backend: backend)
        let socket = ScopedSecrets(cache: cache, scope: SecretScope(prefix: "socket_"))
        #expect(try socket.secret("socket_api_key") == "socket")
        expectError({ $0 == .denied(name: "sentry_dsn") }) { _ = try socket.secret("sentry_dsn") }
        expectError({ $0 == .denied(name: "socket") }) { _ = try socket.secret("socket") }
        #expect(backend.reads == 1)  // the denied calls never reached the backend
    }

    @Test("an exact vault_key grants that name only")
    func exact() throws {
        let backend = ScriptedBackend()
        try backend.set("sentry_dsn", value: "sentry")
        try backend.set("sentry_dsn_backup", value: "backup")
        let cache = SecretCache(backend: backend)
        #expect(try cache.secret("sentry_dsn", for: SecretScope(exactName: "sentry_dsn")) == "sentry")
        expectError({ $0 == .denied(name: "sentry_dsn_backup") }) {
            _ = try cache.secret("sentry_dsn_backup", for: SecretScope(exactName: "sentry_dsn"))
        }
        #expect(SecretScope(prefix: "").permits("anything") == false)
        #expect(SecretScope().permits("sentry_dsn") == false)
        expectError({ if case .invalidName = $0 { true } else { false } }) {
            _ = try cache.secret("Sentry DSN", for: SecretScope(prefix: "s"))
        }
    }

    @Test("names follow ^[a-z][a-z0-9_]{0,127}$")
    func names() {
        #expect(SecretName.isValid("a"))
        #expect(SecretName.isValid("socket_api_key2"))
        #expect(SecretName.isValid(String(repeating: "a", count: 128)))
        #expect(!SecretName.isValid(String(repeating: "a", count: 129)))
        for bad in ["", "1abc", "_abc", "Abc", "a-b", "a b", "a.b", "a,b", "a}", "é"] { #expect(!SecretName.isValid(bad)) }
    }
}

// MARK: - Redaction

@Suite("Vault: redaction")
struct SecretRedactorTests {
    @Test("raw, JSON-escaped, base64, Basic-auth base64 and percent-encoded forms are redacted")
    func encodings() {
        let secret = "sk/live\"quote+plus=ü&x"
        let redactor = SecretRedactor(secrets: [secret])
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: ["key": secret]), as: UTF8.self)
        let basic = "Authorization: Basic " + Data((secret + ":").utf8).base64EncodedString()
        let samples = [
            "raw: \(secret) end",
            "json: \(json)",
            "escaped: \(SecretRedactor.jsonEscaped(secret, escapeSlash: true))",
            "base64: " + Data(secret.utf8).base64EncodedString(),
            basic,
            "query: ?key=" + (secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
            "lower: " + SecretRedactor.percentEncoded(secret, uppercase: false, spaceAsPlus: false),
        ]
        for sample in samples {
            let redacted = redactor.redact(sample)
            #expect(redacted.contains(SecretRedactor.marker), "not redacted: \(sample)")
            for form in SecretRedactor.encodings(of: secret) { #expect(!redacted.contains(form)) }
        }
        #expect(redactor.redact(basic).hasPrefix("Authorization: Basic [REDACTED]"))
    }

    @Test("short values are redacted too; unrelated text is untouched")
    func shortValues() {
        let redactor = SecretRedactor(secrets: ["pin42", "x7"])
        #expect(redactor.redact("pin is pin42, code x7.") == "pin is [REDACTED], code [REDACTED].")
        #expect(redactor.redact("nothing here") == "nothing here")
        #expect(SecretRedactor(secrets: [""]).redact("abc") == "abc")
        #expect(SecretRedactor(secrets: []).redact("abc") == "abc")
    }

    @Test("overlapping secrets: the longest match wins; output stays valid UTF-8")
    func overlapping() {
        let redactor = SecretRedactor(secrets: ["abc", "abcdef", "ünï"])
        #expect(redactor.redact("xabcdefy abcz ünïcode") == "x[REDACTED]y [REDACTED]z [REDACTED]code")
    }

    @Test("64 KiB of text with ten secrets redacts in well under a millisecond per KiB")
    func fast() {
        let secrets = (0..<10).map { "secret_value_\($0)_\(UUID().uuidString)" }
        let redactor = SecretRedactor(secrets: secrets)
        var text = ""
        while text.utf8.count < 64 * 1024 {
            text += "lorem ipsum dolor sit amet {\"token\":\"\(secrets[text.count % 10])\"} "
        }
        let clock = ContinuousClock()
        var redacted = ""
        let elapsed = clock.measure { for _ in 0..<10 { redacted = redactor.redact(text) } }
        for secret in secrets { #expect(!redacted.contains(secret)) }
        print("[vault] redact 64 KiB with 10 secrets (\(SecretRedactor.encodings(of: secrets[0]).count) forms each): \(elapsed / 10) per call")
        #expect(elapsed / 10 < .milliseconds(50))  // generous for debug builds on busy CI
    }

    @Test("a scoped redactor covers exactly the provider's cached values")
    func scopedRedactor() throws {
        let backend = ScriptedBackend()
        try backend.set("socket_api_key", value: "socket_secret_value")
        try backend.set("sentry_dsn", value: "sentry_secret_value")
        let cache = SecretCache(backend: backend)
        let socket = ScopedSecrets(cache: cache, scope: SecretScope(prefix: "socket_"))
        _ = try socket.secret("socket_api_key")
        _ = try cache.value("sentry_dsn")
        #expect(socket.redactor().redact("socket_secret_value sentry_secret_value") == "[REDACTED] sentry_secret_value")
    }
}

// MARK: - Timing (reported, not asserted)

@Suite("Vault: timing")
struct VaultTimingTests {
    @Test("cached and uncached lookup cost, file and PostgreSQL")
    func timing() throws {
        let clock = ContinuousClock()
        let directory = try TemporaryDirectory()
        let file = try FileSecretBackend(storePath: directory.store, keyPath: directory.key)
        for index in 0..<20 { try file.set("socket_key_\(index)", value: "value_\(index)_" + UUID().uuidString) }
        let database = try makeVaultDatabase()
        let postgres = try SupabaseSecretBackend(conninfo: database.conninfo)
        try postgres.set("socket_api_key", value: "pg_value_" + UUID().uuidString)

        for (label, backend, name) in [("file", file as any SecretBackend, "socket_key_7"), ("postgres", postgres, "socket_api_key")] {
            let cache = SecretCache(backend: backend)
            _ = try cache.value(name)
            let cachedRuns = 100_000
            let cached = try clock.measure { for _ in 0..<cachedRuns { _ = try cache.value(name) } }
            let uncachedRuns = label == "file" ? 2_000 : 500
            // Uncached: a fresh cache each time, so the backend is read (file: stat + snapshot).
            let uncached = try clock.measure {
                for _ in 0..<uncachedRuns { _ = try SecretCache(backend: backend).value(name) }
            }
            let versionCheck = try clock.measure { for _ in 0..<uncachedRuns { _ = try backend.versions(of: [name]) } }
            print("[vault] \(label): cached \(cached / cachedRuns), uncached \(uncached / uncachedRuns), version check \(versionCheck / uncachedRuns)")
        }
        // The file backend's worst case: the file changed, so it is re-read and decrypted.
        let coldRuns = 500
        let cold = try clock.measure {
            for _ in 0..<coldRuns { _ = try FileSecretBackend(storePath: directory.store, keyPath: directory.key).read("socket_key_7") }
        }
        print("[vault] file: open + decrypt (20 secrets) \(cold / coldRuns)")
    }
}
