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
            status      TEXT NOT NULL CHECK (status IN ('ok', 'error', 'denied', 'rate_limited', 'timeout', 'cancelled')),
            stage       TEXT,
            severity    TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
            payload     TEXT,
            result      TEXT,
            error       TEXT,
            duration_ms INTEGER,
            hostname    TEXT,
            created_at  INTEGER NOT NULL,
            channel     TEXT CHECK (channel IN ('rest', 'mcp', 'cli', 'system')),
            protocol_version TEXT,
            provider_version TEXT,
            principal   TEXT,
            prev_hash   TEXT NOT NULL,
            row_hash    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_run_events_created ON run_events (created_at DESC, seq DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_provider ON run_events (provider, created_at DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_caller ON run_events (caller_id, created_at DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_tool ON run_events (provider, tool, created_at DESC);
        CREATE INDEX IF NOT EXISTS idx_run_events_channel ON run_events (channel, created_at DESC);
        CREATE TRIGGER IF NOT EXISTS run_events_no_update BEFORE UPDATE ON run_events
        BEGIN SELECT RAISE(ABORT, 'ops.run_events is append-only: UPDATE denied'); END;
        CREATE TRIGGER IF NOT EXISTS run_events_no_delete BEFORE DELETE ON run_events
        BEGIN SELECT RAISE(ABORT, 'ops.run_events is append-only: DELETE denied'); END;
        """

    /// Migration 003's tables (infra/sql/migrations/003_hub_state.sql), in SQLite's types:
    /// timestamps are INTEGER microseconds since 1970 (`AuditTimestamp`), `day` is 'YYYY-MM-DD'.
    static let hubState = """
        CREATE TABLE IF NOT EXISTS api_keys (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            role        TEXT NOT NULL CHECK (role IN ('ops_viewer', 'ops_operator', 'ops_admin')),
            team        TEXT,
            key_sha256  TEXT NOT NULL UNIQUE,
            created_by  TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            revoked_at  INTEGER,
            revoked_by  TEXT
        );
        CREATE UNIQUE INDEX IF NOT EXISTS idx_api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;
        CREATE TABLE IF NOT EXISTS provider_kv (
            provider    TEXT NOT NULL,
            key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 256),
            value       TEXT NOT NULL,
            updated_by  TEXT,
            updated_at  INTEGER NOT NULL,
            PRIMARY KEY (provider, key)
        );
        CREATE TABLE IF NOT EXISTS provider_quotas (
            day                TEXT NOT NULL,
            provider           TEXT NOT NULL,
            tool               TEXT NOT NULL,
            team               TEXT NOT NULL DEFAULT '',
            caller_id          TEXT NOT NULL DEFAULT '',
            calls              INTEGER NOT NULL DEFAULT 0,
            errors             INTEGER NOT NULL DEFAULT 0,
            cost_units         INTEGER NOT NULL DEFAULT 0,
            upstream_requests  INTEGER NOT NULL DEFAULT 0,
            bytes_sent         INTEGER NOT NULL DEFAULT 0,
            bytes_received     INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, provider, tool, team, caller_id)
        );
        CREATE INDEX IF NOT EXISTS idx_provider_quotas_team ON provider_quotas (team, day);
        """

    static let insert = """
        INSERT INTO run_events (seq, id, request_id, created_at, provider, tool, caller_id, caller_role, team,
            status, stage, severity, duration_ms, hostname, payload, result, error, channel, protocol_version,
            provider_version, prev_hash, row_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
        """

    static let selectColumns = AuditRowColumns.names.joined(separator: ", ")

    /// `PRAGMA user_version` of the schema above. 0 = created before versions were kept (migration
    /// 001's columns and statuses); 2 = with migration 002's columns and the `cancelled` status;
    /// 3 = with migration 003's `principal` column and the hub-state tables.
    static let version: Int64 = 3

    /// Creates the table, or brings an older one up to `version`. SQLite cannot change a CHECK
    /// constraint in place, so an old table is rebuilt the way SQLite documents (new table, copy,
    /// drop, rename) in one transaction; rows are copied verbatim, so the chain still verifies.
    static func createOrUpgrade(_ connection: SQLiteConnection) throws(SQLiteError) {
        let current = try connection.integer("PRAGMA user_version")
        guard current < version else { return }
        let exists = try connection.integer(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'run_events'") > 0
        try connection.execute("BEGIN IMMEDIATE")
        do {
            if exists && current >= 2 {
                // 002's CHECKs are current: 003 only adds a nullable column.
                try connection.execute("ALTER TABLE run_events ADD COLUMN principal TEXT")
            } else if exists {
                try connection.execute("""
                    DROP TRIGGER IF EXISTS run_events_no_update;
                    DROP TRIGGER IF EXISTS run_events_no_delete;
                    DROP INDEX IF EXISTS idx_run_events_created;
                    DROP INDEX IF EXISTS idx_run_events_provider;
                    DROP INDEX IF EXISTS idx_run_events_caller;
                    DROP INDEX IF EXISTS idx_run_events_tool;
                    ALTER TABLE run_events RENAME TO run_events_v1;
                    """)
            }
            try connection.execute(create)
            try connection.execute(hubState)
            if exists && current < 2 {
                let added: Set = ["channel", "protocol_version", "provider_version", "principal"]
                let v1Columns = AuditRowColumns.names.filter { !added.contains($0) }.joined(separator: ", ")
                try connection.execute("""
                    INSERT INTO run_events (\(v1Columns)) SELECT \(v1Columns) FROM run_events_v1 ORDER BY seq;
                    DROP TABLE run_events_v1;
                    """)
            }
            try connection.execute("PRAGMA user_version = \(version)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
