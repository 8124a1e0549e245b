import CSQLite
import Foundation

/// An error from SQLite, with the library's own message and result code.
struct SQLiteError: Error, Sendable, CustomStringConvertible {
    var code: Int32
    var message: String
    /// What the hub was doing ("opening /var/lib/hub/audit.sqlite", "preparing …").
    var context: String

    var description: String { "\(context): \(message) (SQLite error \(code))" }
}

/// One SQLite connection, confined to one thread at a time like `PostgresConnection`.
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?
    let path: String

    init(path: String) throws(SQLiteError) {
        self.path = path
        if path != ":memory:" { PrivateFile.create(path) }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close(db)
            throw SQLiteError(code: code, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Another connection (the reader, another process) may hold the write lock briefly.
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL without parameters; several statements allowed.
    func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: code, message: message, context: "running \(Self.abbreviated(sql))")
        }
    }

    /// The first column of the first row of a query without parameters (0 when no row).
    func integer(_ sql: String) throws(SQLiteError) -> Int64 {
        let statement = try prepare(sql)
        return try statement.step() ? statement.integer(0) : 0
    }

    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, message: lastMessage, context: "preparing \(Self.abbreviated(sql))")
        }
        return SQLiteStatement(statement, connection: self, sql: sql)
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    static func abbreviated(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > 80 ? String(flat.prefix(77)) + "…" : flat
    }
}

/// A prepared statement. Text is bound with SQLITE_TRANSIENT (SQLite copies it).
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection
    private let sql: String
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(_ statement: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.statement = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds values to ?1, ?2, … (nil is NULL) after resetting the statement.
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code, message: connection.lastMessage, context: "binding parameter \(index) of \(SQLiteConnection.abbreviated(sql))")
            }
        }
    }

    /// Advances to the next row; false when done.
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = connection.lastMessage
            sqlite3_reset(statement)
            throw SQLiteError(code: code, message: message, context: "running \(SQLiteConnection.abbreviated(sql))")
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [SQLiteValue]) throws(SQLiteError) {
        try bind(values)
        while try step() {}
    }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
}

enum SQLiteValue: Sendable {
    case null
    case integer(Int64)
    case text(String)

    init(_ text: String?) { self = text.map(SQLiteValue.text) ?? .null }
}

/// Files the hub creates are 0600, whatever the umask and whatever the folder's mode. SQLite
/// gives its `-wal` and `-shm` files the database file's mode, so creating the database file
/// 0600 first (and tightening one a looser umask made earlier) covers all three.
enum PrivateFile {
    static func create(_ path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            fchmod(descriptor, 0o600)
            close(descriptor)
        }
        for suffix in ["-wal", "-shm", "-journal"] { chmod(path + suffix, 0o600) }
    }
}
