import Foundation

/// The audit trail in PostgreSQL's `ops.run_events` (infra/sql/migrations/001_ops_run_events.sql),
/// through libpq.
///
/// When PostgreSQL cannot be reached, appends go to a durable local spool (`AuditSpool`) and still
/// succeed: the hub keeps serving while its database is down, and the audit trail catches up when
/// it returns. We chose availability here because the spool is as durable as the database for
/// the events it holds (fsynced before `append` returns); what is lost while spooling is only
/// that queries do not show the spooled events yet.
final class PostgresAuditStore: AuditStore {
    private let normalizer: AuditEventNormalizer
    private let writerState: PostgresAuditWriter
    private let writer: GroupCommitQueue<AuditEvent>
    private let readerThread: BlockingExecutor
    private let reader: PostgresAuditReader
    let checkpoints: AuditCheckpoints

    /// Connects, checks the schema, and opens (or resumes) the spool in `spoolDirectory`.
    ///
    /// Throws when the database is reachable but lacks the migrated table. When it is not
    /// reachable at all, the store starts spooling and checks nothing until it is.
    init(conninfo: String, spoolDirectory: String, resultCapBytes: Int = AuditResultCap.defaultBytes) throws {
        normalizer = AuditEventNormalizer(resultCap: AuditResultCap(maxBytes: resultCapBytes))
        let connection = try Self.connectIfReachable(conninfo)
        if let connection { try Self.checkSchema(on: connection) }
        let spool = try AuditSpool(directory: spoolDirectory)
        // Next to the spool: local, 0600, and not in the database an attacker would edit.
        checkpoints = AuditCheckpoints(path: spoolDirectory + "/chain-checkpoints")
        let writerState = PostgresAuditWriter(conninfo: conninfo, spool: spool, connection: connection, checkpoints: checkpoints)
        self.writerState = writerState
        writer = GroupCommitQueue(
            name: "audit-postgres-writer", maxBatch: 1_000,
            commit: { writerState.commit($0) },
            idle: { writerState.forward() }
        )
        reader = PostgresAuditReader(conninfo: conninfo)
        readerThread = BlockingExecutor(name: "audit-postgres-reader")
    }

    /// Events spooled locally and not yet in PostgreSQL.
    var spoolBacklog: Int { writerState.spool.backlog }

    func spoolDepth() async -> Int? { spoolBacklog }

    func append(_ event: AuditEvent) async throws {
        try await writer.submit(try normalizer.normalize(event))
    }

    func query(_ query: AuditQuery, as viewer: AuditViewer) async throws -> AuditPage {
        let reader = self.reader
        return try await readerThread.run { try reader.query(query, as: viewer) }
    }

    func verify() async throws -> ChainReport {
        let reader = self.reader
        let anchors = checkpoints.recorded()
        return try await readerThread.run { try reader.verify(checkpoints: anchors) }
    }

    func close() async {
        await writer.shutdown()
        readerThread.stop()
    }

    /// A connection, or nil when the server is unreachable (the store then starts spooling).
    /// A server that answers but refuses us (no such database or role, failed authentication) is
    /// a configuration error, not an outage: spooling would hide it, so it is thrown. libpq gives
    /// connection failures no SQLSTATE, so this reads the server's (English) message.
    private static func connectIfReachable(_ conninfo: String) throws(PostgresError) -> PostgresConnection? {
        do {
            return try PostgresConnection(conninfo: conninfo)
        } catch {
            let refusals = ["does not exist", "authentication failed", "no pg_hba.conf entry", "permission denied"]
            if refusals.contains(where: { error.message.contains($0) }) { throw error }
            return nil
        }
    }

    private static func checkSchema(on connection: PostgresConnection) throws {
        let present = Set(try connection.execute(PostgresAuditSQL.presentColumns).rows.compactMap { $0[0] })
        if present.isEmpty {
            throw AuditStoreError.schemaMissing(
                "table ops.run_events does not exist in this database: apply \(PostgresAuditSQL.migration) (after infra/sql/standins/ on plain PostgreSQL)"
            )
        }
        let missing = PostgresAuditSQL.requiredColumns.filter { !present.contains($0) }
        if !missing.isEmpty {
            throw AuditStoreError.schemaMissing(
                "table ops.run_events lacks column(s) \(missing.joined(separator: ", ")): it predates \(PostgresAuditSQL.migration); apply that migration"
            )
        }
    }
}
