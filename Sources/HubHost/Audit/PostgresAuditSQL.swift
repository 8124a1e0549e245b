import Foundation

/// The SQL the PostgreSQL audit store sends, in one place.
enum PostgresAuditSQL {
    static let migration = "infra/sql/migrations/ (001_ops_run_events.sql, 002_channels_and_1_1.sql, 003_hub_state.sql)"

    /// Serialises chain writers (see `AuditChain`): held until the batch's transaction ends.
    static let lockChain = "select pg_advisory_xact_lock(hashtext('ops.run_events'))"
    static let head = "select seq, row_hash from ops.run_events order by seq desc limit 1"
    static let existingIds = "select id::text from ops.run_events where id = any($1::uuid[])"

    /// Every column is cast to text and keeps its name, so ORDER BY must qualify (run_events.seq):
    /// a bare `seq` would sort by the text output column.
    static let selectColumns = """
        seq::text, id::text, request_id, (extract(epoch from created_at) * 1000000)::bigint::text,
        provider, tool, caller_id::text, caller_role, team, status, stage, severity, duration_ms::text,
        hostname, payload::text, result::text, error, channel, protocol_version, provider_version, prev_hash, row_hash
        """

    /// Parameter casts for one inserted row, in `AuditRowColumns.names` order.
    private static let casts = [
        "bigint", "uuid", "text", "timestamptz", "text", "text", "uuid", "text", "text",
        "text", "text", "text", "int", "text", "jsonb", "jsonb", "text", "text", "text", "text", "text", "text",
    ]

    /// A multi-row INSERT for `rows` rows; with `skipConflicts`, ids already present are skipped
    /// (the forwarder's belt and braces) and `returning` lets the caller count what went in.
    static func insert(rows: Int, skipConflicts: Bool) -> String {
        var sql = "insert into ops.run_events (\(AuditRowColumns.names.joined(separator: ", "))) values "
        var parameter = 0
        for row in 0..<rows {
            if row > 0 { sql += ", " }
            sql += "("
            for (index, cast) in casts.enumerated() {
                parameter += 1
                if index > 0 { sql += ", " }
                sql += "$\(parameter)::\(cast)"
            }
            sql += ")"
        }
        if skipConflicts { sql += " on conflict (id) do nothing" }
        return sql + " returning seq"
    }

    /// The inserted row's parameters: the chain fields, with created_at as a timestamptz literal.
    static func parameters(of row: StoredAuditEvent) -> [String?] {
        var values = AuditChain.fields(of: row.event, seq: row.seq)
        values[3] = AuditTimestamp.postgresLiteral(micros: AuditTimestamp.micros(row.event.createdAt))
        return values + [row.prevHash, row.rowHash]
    }

    /// Asks the server for jsonb's own rendering of each JSON text (`$n::jsonb::text`), so the
    /// chain hashes exactly what `payload::text` / `result::text` will return later.
    static func normalizeJSON(count: Int) -> String {
        "select " + (1...count).map { "$\($0)::jsonb::text" }.joined(separator: ", ")
    }

    /// The columns the hub reads and writes; a missing one means the migration was not applied.
    static let requiredColumns = AuditRowColumns.names

    static let presentColumns = """
        select column_name::text from information_schema.columns
        where table_schema = 'ops' and table_name = 'run_events'
        """
}

extension PostgresError {
    /// True when the server is unreachable or going away rather than refusing this SQL: the
    /// writer spools instead of failing. Class 08 is connection exceptions, 57P admin/crash
    /// shutdown and "cannot connect now", 53 insufficient resources (disk full, too many
    /// connections); no SQLSTATE at all means libpq lost the connection before a reply.
    var meansUnavailable: Bool {
        guard !connectionLost, let sqlState else { return true }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || sqlState.hasPrefix("53")
    }
}
