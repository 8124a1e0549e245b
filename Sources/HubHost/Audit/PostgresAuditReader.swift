import Foundation

/// Queries and verify for the PostgreSQL store, on the reader thread with its own connection.
///
/// Queries run as role `authenticated` with the viewer's claims, so row-level security (the
/// migration's policy) decides what a viewer sees; the hub adds no visibility filter of its own.
final class PostgresAuditReader: @unchecked Sendable {
    static let verifyChunk = 5_000

    private let conninfo: String
    private var connection: PostgresConnection?

    init(conninfo: String) {
        self.conninfo = conninfo
    }

    func query(_ query: AuditQuery, as viewer: AuditViewer) throws -> AuditPage {
        let subject = viewer.callerId ?? AuditViewer.operatorSubject
        guard let sub = UUID(uuidString: subject) else {
            throw AuditStoreError.invalidUUID(field: "viewer caller_id", value: subject)
        }
        let claims: [String: Any] = [
            "sub": sub.uuidString.lowercased(),
            "role": "authenticated",
            "app_metadata": ["ops_role": viewer.role.rawValue],
        ]
        let claimsJSON = String(decoding: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)

        var filter = AuditFilterSQL<String?>(marker: "$")
        if let provider = query.provider { filter.add([provider]) { "provider = \($0[0])" } }
        if let tool = query.tool { filter.add([tool]) { "tool = \($0[0])" } }
        if let caller = query.callerId {
            guard let uuid = UUID(uuidString: caller) else { throw AuditStoreError.invalidUUID(field: "caller_id", value: caller) }
            filter.add([uuid.uuidString.lowercased()]) { "caller_id = \($0[0])::uuid" }
        }
        if let status = query.status { filter.add([status.rawValue]) { "status = \($0[0])" } }
        if let severity = query.minSeverity {
            let levels = "{" + severity.atLeast.map(\.rawValue).joined(separator: ",") + "}"
            filter.add([levels]) { "severity = any(\($0[0])::text[])" }
        }
        if let since = query.since {
            filter.add([AuditTimestamp.postgresLiteral(micros: AuditTimestamp.micros(since))]) { "created_at >= \($0[0])::timestamptz" }
        }
        if let until = query.until {
            filter.add([AuditTimestamp.postgresLiteral(micros: AuditTimestamp.micros(until))]) { "created_at < \($0[0])::timestamptz" }
        }
        if let token = query.cursor {
            let cursor = try AuditCursor(decoding: token)
            filter.add([AuditTimestamp.postgresLiteral(micros: cursor.createdAtMicros), String(cursor.seq)]) {
                "(created_at, seq) < (\($0[0])::timestamptz, \($0[1])::bigint)"
            }
        }
        let limit = query.effectiveLimit
        let sql = "select \(PostgresAuditSQL.selectColumns) from ops.run_events \(filter.whereClause) order by run_events.created_at desc, run_events.seq desc limit \(limit + 1)"
        let parameters = filter.values
        let rows = try withConnection { connection throws(PostgresError) in
            try connection.transaction { connection throws(PostgresError) in
                try connection.execute("set local role authenticated")
                try connection.execute("select set_config('request.jwt.claims', $1, true)", [claimsJSON])
                return try connection.execute(sql, parameters).rows
            }
        }
        return try AuditRowColumns.page(rows, limit: limit)
    }

    /// Walks the chain in seq order, in chunks, inside one repeatable-read snapshot. Runs as the
    /// hub's own role (the table owner), which row-level security does not restrict.
    func verify(checkpoints: [AuditCheckpoints.Checkpoint] = []) throws -> ChainReport {
        try withConnection { connection throws(PostgresError) in
            try connection.execute("begin isolation level repeatable read read only")
            defer { _ = try? connection.execute("commit") }
            var verifier = ChainVerifier(checkpoints: checkpoints)
            var after: Int64 = 0
            while true {
                let rows = try connection.execute(
                    "select \(PostgresAuditSQL.selectColumns) from ops.run_events where run_events.seq > $1 order by run_events.seq limit \(Self.verifyChunk)",
                    [String(after)]
                ).rows
                for row in rows {
                    guard verifier.check(AuditRowColumns.chainRow(row)) else { return verifier.report }
                }
                guard rows.count == Self.verifyChunk, let last = rows.last?[0].flatMap({ Int64($0) }) else { break }
                after = last
            }
            return verifier.report
        }
    }

    /// Runs `body` on the connection, reconnecting once if the connection turns out to be gone.
    private func withConnection<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do throws(PostgresError) {
                let connection: PostgresConnection
                if let existing = self.connection {
                    connection = existing
                } else {
                    connection = try PostgresConnection(conninfo: conninfo)
                }
                self.connection = connection
                return try body(connection)
            } catch where error.meansUnavailable {
                connection = nil
                if attempt >= 2 { throw AuditStoreError.unavailable(error.description) }
            } catch {
                throw AuditStoreError.database(error.description)
            }
        }
    }
}
