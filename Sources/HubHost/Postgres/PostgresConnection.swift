import CPostgres
import Foundation

/// An error from libpq or the server. `message` is the server's own text (never a conninfo:
/// libpq does not echo passwords, and the hub's config refuses them anyway).
struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// SQLSTATE when the server sent one ("23505", "P0001", …); nil for connection failures.
    var sqlState: String?
    var message: String
    /// True when the connection itself is gone: the caller should reconnect, not retry the SQL.
    var connectionLost: Bool

    var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}

/// The rows of one statement's result, as text (libpq's text format).
struct PostgresRows: Sendable {
    var columns: [String]
    var rows: [[String?]]

    subscript(row: Int, column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }
}

/// One libpq connection. Blocking, and not safe to share between threads: callers keep it on one
/// thread at a time (a connection per worker, or behind a lock).
///
/// Parameters are always sent out of line (`PQexecParams`), never spliced into SQL text.
final class PostgresConnection {
    private let connection: OpaquePointer

    /// Connects with a libpq conninfo string ("host=/var/run/postgresql dbname=hub"). Passwords
    /// come from libpq's passfile or peer authentication, never from the conninfo.
    init(conninfo: String) throws(PostgresError) {
        guard let conn = PQconnectdb(conninfo) else {
            throw PostgresError(sqlState: nil, message: "libpq could not allocate a connection", connectionLost: true)
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw PostgresError(sqlState: nil, message: "cannot connect to PostgreSQL: \(message)", connectionLost: true)
        }
        connection = conn
    }

    deinit { PQfinish(connection) }

    var isConnected: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Runs one statement with text parameters ($1, $2, …; nil is SQL NULL) and returns its rows.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        let result = Self.withCStrings(parameters) { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard let result else {
            throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(connection)), connectionLost: !isConnected)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return Self.rows(of: result)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            throw PostgresError(
                sqlState: sqlState,
                message: primary ?? Self.trimmed(PQresultErrorMessage(result)),
                connectionLost: !isConnected
            )
        }
    }

    /// Runs several statements separated by semicolons (a migration file). No parameters.
    func executeScript(_ sql: String) throws(PostgresError) {
        guard let result = PQexec(connection, sql) else {
            throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(connection)), connectionLost: !isConnected)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(sqlState: sqlState, message: Self.trimmed(PQresultErrorMessage(result)), connectionLost: !isConnected)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT, rolling back when it throws.
    func transaction<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isConnected { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return PostgresRows(columns: columns, rows: rows)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withCStrings<R>(
        _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R
    ) -> R {
        let duplicated = strings.map { $0.map { strdup($0) } ?? nil }
        defer { duplicated.forEach { free($0) } }
        return body(duplicated.map { $0.map { UnsafePointer($0) } })
    }
}
