/// The embedded store's schema: PostgreSQL's `ops.run_events` (infra/sql/migrations/
/// 001_ops_run_events.sql) column for column, in SQLite's types. Differences, and why:
/// - the table is `run_events` (SQLite has no schemas; `ops.` would name an attached database);
/// - `seq` is the INTEGER PRIMARY KEY (the rowid, so chain order costs no extra index) and `id`
///   is UNIQUE;
/// - `created_at` is INTEGER microseconds since 1970-01-01 UTC (`AuditTimestamp`), and uuids,
///   JSON and hashes are TEXT.
/// Triggers refuse UPDATE and DELETE; SQLite has no TRUNCATE (its "truncate optimisation" is a
/// DELETE without WHERE, which the DELETE trigger also refuses and which disables the shortcut).
enum SQLiteAuditSchema {
    /// Connection settings every store connection applies: WAL so readers never block the writer,
    /// and synchronous=FULL so a COMMIT is on disk (WAL fsynced) before `append` returns.
    static let pragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        """

    static let create = """
        CREATE TABLE IF NOT EXISTS run_events (
            seq         INTEGER PRIMARY KEY,
            id          TEXT NOT NULL UNIQUE,
            request_id  TEXT NOT NULL,
            provider    TEXT NOT NULL,
            tool        TEXT NOT NULL,
            caller_id   TEXT,
            caller_role TEXT NOT NULL,
            team        TEXT,
            status      TEXT NOT NULL CHECK (status IN ('ok', 'error', 'denied', 'rate_limited', 'timeout')),
            stage       TEXT,
            severity    TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
            payload     TEXT,
            result      TEXT,
            error       TEXT,
            duration_ms INTEGER,
            hostname    TEXT,
            created_at  INTEGER NOT NULL,
            prev_hash   TEXT NOT NULL,
            row_hash    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_run_events_created ON run_events (created_at DESC, seq DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_provider ON run_events (provider, created_at DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_caller ON run_events (caller_id, created_at DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_tool ON run_events (provider, tool, created_at DESC);
        CREATE TRIGGER IF NOT EXISTS run_events_no_update BEFORE UPDATE ON run_events
        BEGIN SELECT RAISE(ABORT, 'ops.run_events is append-only: UPDATE denied'); END;
        CREATE TRIGGER IF NOT EXISTS run_events_no_delete BEFORE DELETE ON run_events
        BEGIN SELECT RAISE(ABORT, 'ops.run_events is append-only: DELETE denied'); END;
        """

    static let insert = """
        INSERT INTO run_events (seq, id, request_id, created_at, provider, tool, caller_id, caller_role, team,
            status, stage, severity, duration_ms, hostname, payload, result, error, prev_hash, row_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
        """

    static let selectColumns = AuditRowColumns.names.joined(separator: ", ")
}
