import Foundation

/// The PostgreSQL store's local spool: a SQLite file (WAL, synchronous=FULL) in the spool
/// directory holding events, in arrival order, that could not be written to PostgreSQL yet.
///
/// An event is in the spool from the moment `append` returns until the forwarder has committed it
/// to PostgreSQL; only then is it deleted here. A crash between those two steps forwards it again,
/// and the forwarder skips ids PostgreSQL already has: nothing lost, nothing duplicated.
///
/// An event PostgreSQL refuses outright (not a connection problem: bad data) cannot be dropped and
/// must not block the events behind it, so it moves to the `rejected` table with the server's
/// message, for an operator to inspect.
///
/// Used only on the PostgreSQL writer thread; `backlog` may be read from anywhere.
final class AuditSpool: @unchecked Sendable {
    static let fileName = "audit-spool.sqlite"

    let path: String
    private let connection: SQLiteConnection
    private let insert: SQLiteStatement
    private let countLock = NSLock()
    private var storedCount = 0

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        connection = try SQLiteConnection(path: path)
        try connection.execute(SQLiteAuditSchema.pragmas)
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS spooled (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                id       TEXT NOT NULL UNIQUE,
                event    TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS rejected (
                position    INTEGER PRIMARY KEY,
                id          TEXT NOT NULL,
                event       TEXT NOT NULL,
                reason      TEXT NOT NULL,
                rejected_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            );
            """)
        insert = try connection.prepare("INSERT OR IGNORE INTO spooled (id, event) VALUES (?1, ?2)")
        let count = try connection.prepare("SELECT count(*) FROM spooled")
        try count.bind([])
        storedCount = try count.step() ? Int(count.integer(0)) : 0
    }

    /// Events waiting to be forwarded.
    var backlog: Int {
        countLock.lock()
        defer { countLock.unlock() }
        return storedCount
    }

    /// Durably appends `events` in order (one transaction, fsynced before returning).
    func append(_ events: [AuditEvent]) throws {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            for event in events {
                try insert.run([.text(event.id.uuidString.lowercased()), .text(try SpooledEvent.encode(event))])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        adjustCount(by: events.count)
    }

    /// The oldest `limit` events, in arrival order.
    func oldest(_ limit: Int) throws -> [(position: Int64, event: AuditEvent)] {
        let statement = try connection.prepare("SELECT position, event FROM spooled ORDER BY position LIMIT ?1")
        try statement.bind([.integer(Int64(limit))])
        var entries: [(Int64, AuditEvent)] = []
        while try statement.step() {
            entries.append((statement.integer(0), try SpooledEvent.decode(statement.text(1) ?? "")))
        }
        return entries
    }

    /// Deletes forwarded entries (called after PostgreSQL committed them).
    func remove(_ positions: [Int64]) throws {
        guard !positions.isEmpty else { return }
        try connection.execute("DELETE FROM spooled WHERE position IN (\(positions.map(String.init).joined(separator: ",")))")
        adjustCount(by: -positions.count)
    }

    /// Moves an entry PostgreSQL refused to `rejected`, keeping it but unblocking the queue.
    func reject(_ position: Int64, reason: String) throws {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let move = try connection.prepare("""
                INSERT INTO rejected (position, id, event, reason)
                SELECT position, id, event, ?2 FROM spooled WHERE position = ?1
                """)
            try move.run([.integer(position), .text(reason)])
            try connection.prepare("DELETE FROM spooled WHERE position = ?1").run([.integer(position)])
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        adjustCount(by: -1)
    }

    private func adjustCount(by delta: Int) {
        countLock.lock()
        storedCount += delta
        countLock.unlock()
    }
}

/// The spool's row format: the normalised event as JSON, its time as integer microseconds so it
/// comes back exactly as it went in.
enum SpooledEvent {
    static func encode(_ event: AuditEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(AuditTimestamp.micros(date))
        }
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> AuditEvent {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            AuditTimestamp.date(micros: try decoder.singleValueContainer().decode(Int64.self))
        }
        return try decoder.decode(AuditEvent.self, from: Data(text.utf8))
    }
}
