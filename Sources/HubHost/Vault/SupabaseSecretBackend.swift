import CPostgres
import Foundation

/// Supabase Vault through libpq: the SQL below is what a Supabase project answers, and what the
/// plain-PostgreSQL stand-in (`infra/sql/standins/002_supabase_vault.sql`) answers too.
///
/// - read: `vault.decrypted_secrets` by name (the only query that decrypts).
/// - versions: `vault.secrets.updated_at` for many names at once, no decryption; Vault has no
///   NOTIFY, so this poll is how rotation is noticed.
/// - set: `vault.create_secret`, or `vault.update_secret` by id (hosted Supabase refuses direct
///   INSERTs into `vault.secrets`).
/// - remove: `delete from vault.secrets where name = $1`.
///
/// One connection, used by one thread at a time behind a lock. It is opened lazily, so the hub
/// starts while the database is down, and dropped whenever libpq reports it lost; the next call
/// reconnects, and a call that finds its connection dead retries once on a fresh one.
/// Every database failure surfaces as `SecretError.unavailable`.
final class SupabaseSecretBackend: SecretBackend {
    private let conninfo: String
    private let connection = VaultLocked<PostgresConnection?>(nil)

    static let readSQL = "select decrypted_secret, updated_at::text as updated_at from vault.decrypted_secrets where name = $1"
    static let versionsSQL = "select name, updated_at::text as updated_at from vault.secrets where name = any($1)"
    static let findSQL = "select id from vault.secrets where name = $1"
    static let createSQL = "select vault.create_secret($1, $2)"
    static let updateSQL = "select vault.update_secret($1::uuid, $2)"
    static let removeSQL = "delete from vault.secrets where name = $1 returning id"
    static let listSQL = "select name, extract(epoch from updated_at)::float8 as updated_at from vault.secrets where name is not null order by name"

    /// `conninfo` must not carry a password: use libpq's passfile (`~/.pgpass`, `PGPASSFILE`) or
    /// peer authentication. A `connect_timeout` of 5 s is added when none is given, so an
    /// unreachable host fails a request in seconds rather than at the TCP timeout.
    init(conninfo: String) throws(SecretError) {
        try Self.refusePassword(in: conninfo)
        self.conninfo = Self.withConnectTimeout(conninfo)
    }

    func read(_ name: String) throws(SecretError) -> (value: String, version: String)? {
        try SecretName.validate(name)
        let rows = try run { connection throws(PostgresError) in try connection.execute(Self.readSQL, [name]) }
        guard !rows.rows.isEmpty else { return nil }
        // Supabase yields a NULL decrypted_secret when pgsodium cannot decrypt the row (its key is
        // missing or wrong): that is a broken vault, not an absent secret.
        guard let value = rows[0, "decrypted_secret"] else {
            throw .corrupt("vault.decrypted_secrets returned no plaintext for '\(name)'; check the Vault key")
        }
        return (value, rows[0, "updated_at"] ?? "")
    }

    func versions(of names: [String]) throws(SecretError) -> [String: String] {
        guard !names.isEmpty else { return [:] }
        for name in names { try SecretName.validate(name) }
        // Valid names need no quoting in an array literal: no commas, quotes, braces or spaces.
        let array = "{" + names.joined(separator: ",") + "}"
        let rows = try run { connection throws(PostgresError) in try connection.execute(Self.versionsSQL, [array]) }
        var versions: [String: String] = [:]
        for row in rows.rows {
            if let name = row[0], let updatedAt = row[1] { versions[name] = updatedAt }
        }
        return versions
    }

    func set(_ name: String, value: String) throws(SecretError) {
        try SecretName.validate(name)
        try run { connection throws(PostgresError) in
            if try update(name, value: value, on: connection) { return }
            do throws(PostgresError) {
                try connection.execute(Self.createSQL, [value, name])
            } catch where error.sqlState == "23505" {
                // Another writer created it between our lookup and our insert: update theirs.
                _ = try update(name, value: value, on: connection)
            }
        }
    }

    func list() throws(SecretError) -> [SecretListing] {
        let rows = try run { connection throws(PostgresError) in try connection.execute(Self.listSQL) }
        return rows.rows.compactMap { row in
            guard let name = row[0] else { return nil }
            let seconds = row[1].flatMap(Double.init) ?? 0
            return SecretListing(name: name, updatedAt: Date(timeIntervalSince1970: seconds))
        }
    }

    func remove(_ name: String) throws(SecretError) -> Bool {
        try SecretName.validate(name)
        let rows = try run { connection throws(PostgresError) in
            try connection.execute(Self.removeSQL, [name])
        }
        return !rows.rows.isEmpty
    }

    // MARK: - Connection

    private func update(_ name: String, value: String, on connection: PostgresConnection) throws(PostgresError) -> Bool {
        let found = try connection.execute(Self.findSQL, [name])
        guard !found.rows.isEmpty, let id = found.rows[0][0] else { return false }
        try connection.execute(Self.updateSQL, [id, value])
        return true
    }

    /// Runs `body` on the connection, (re)connecting as needed. A statement that fails because
    /// the connection was lost is retried once on a new connection: a server restart or an idle
    /// timeout should cost one reconnect, not a failed request.
    private func run<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws(SecretError) -> T {
        try connection.withLock { (connection: inout PostgresConnection?) throws(SecretError) -> T in
            var attempts = 0
            while true {
                attempts += 1
                let reused = connection != nil
                do throws(PostgresError) {
                    let live: PostgresConnection
                    if let connection { live = connection } else { live = try PostgresConnection(conninfo: conninfo) }
                    connection = live
                    return try body(live)
                } catch {
                    if error.connectionLost || connection?.isConnected == false { connection = nil }
                    if error.connectionLost, reused, attempts == 1 { continue }
                    throw .unavailable("vault database: \(error.description)")
                }
            }
        }
    }

    private static func refusePassword(in conninfo: String) throws(SecretError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            // libpq's parse message can quote the conninfo back: keep it out of logs.
            if let errorMessage { PQfreemem(errorMessage) }
            throw .unavailable("vault conninfo cannot be parsed")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val, value.pointee != 0 {
                throw .unavailable("vault conninfo must not contain a password: use ~/.pgpass (PGPASSFILE) or peer authentication")
            }
            option += 1
        }
    }

    private static func withConnectTimeout(_ conninfo: String) -> String {
        guard !conninfo.contains("connect_timeout") else { return conninfo }
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            return conninfo + (conninfo.contains("?") ? "&" : "?") + "connect_timeout=5"
        }
        return conninfo + " connect_timeout=5"
    }
}
