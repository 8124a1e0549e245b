import Foundation

/// The embedded audit store: one SQLite file (the system libsqlite3), WAL, synchronous=FULL.
///
/// Appends are group-committed on a writer thread; queries and verify run on a reader thread with
/// their own connection, which WAL lets read while the writer commits.
final class SQLiteAuditStore: AuditStore {
    let path: String
    private let normalizer: AuditEventNormalizer
    private let writer: GroupCommitQueue<AuditEvent>
    private let readerThread: BlockingExecutor
    private let reader: SQLiteAuditReader
    private let writerState: SQLiteAuditWriter
    /// `<path>.checkpoints`: the chain's anchors outside the database.
    let checkpoints: AuditCheckpoints

    /// Opens (creating if needed) the database at `path` and its schema.
    init(path: String, resultCapBytes: Int = AuditResultCap.defaultBytes) throws {
        self.path = path
        normalizer = AuditEventNormalizer(resultCap: AuditResultCap(maxBytes: resultCapBytes))
        let checkpoints = AuditCheckpoints(path: path + ".checkpoints")
        self.checkpoints = checkpoints
        let writerState = try SQLiteAuditWriter(path: path, checkpoints: checkpoints)
        self.writerState = writerState
        reader = try SQLiteAuditReader(path: path)
        writer = GroupCommitQueue(name: "audit-sqlite-writer", maxBatch: 2_000) { events in
            writerState.commit(events)
        }
        readerThread = BlockingExecutor(name: "audit-sqlite-reader")
    }

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
        // The last head as an anchor too, whatever the interval said.
        if let head = writerState.lastWritten { checkpoints.committed(seq: head.seq, rowHash: head.rowHash, force: true) }
        readerThread.stop()
    }
}

/// The writer's connection and statements; used only on the writer thread.
final class SQLiteAuditWriter: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let insert: SQLiteStatement
    private let head: SQLiteStatement
    private let checkpoints: AuditCheckpoints?
    /// The head this writer last committed (writer thread only; read after shutdown).
    private(set) var lastWritten: (seq: Int64, rowHash: String)?

    init(path: String, checkpoints: AuditCheckpoints? = nil) throws(SQLiteError) {
        self.checkpoints = checkpoints
        connection = try SQLiteConnection(path: path)
        try connection.execute(SQLiteAuditSchema.pragmas)
        try SQLiteAuditSchema.createOrUpgrade(connection)
        insert = try connection.prepare(SQLiteAuditSchema.insert)
        head = try connection.prepare("SELECT seq, row_hash FROM run_events ORDER BY seq DESC LIMIT 1")
    }

    /// One transaction for the whole batch. If it fails, each event is retried alone so one bad
    /// event (a duplicate id) fails only its own append.
    func commit(_ events: [AuditEvent]) -> [Result<Void, any Error>] {
        do {
            try write(events)
            return events.map { _ in .success(()) }
        } catch {
            guard events.count > 1 else { return [.failure(AuditStoreError.database(error.description))] }
            return events.map { event in
                do {
                    try write([event])
                    return .success(())
                } catch {
                    return .failure(AuditStoreError.database(String(describing: error)))
                }
            }
        }
    }

    private func write(_ events: [AuditEvent]) throws(SQLiteError) {
        // IMMEDIATE takes the write lock up front, so the head read below cannot go stale.
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try head.bind([])
            let (seq, hash) = try head.step() ? (head.integer(0), head.text(1) ?? AuditChain.genesis) : (0, AuditChain.genesis)
            try head.bind([])  // release the read cursor before writing
            let linked = AuditChain.link(events, afterSeq: seq, headHash: hash)
            for row in linked {
                let fields = AuditChain.fields(of: row.event, seq: row.seq)
                var values: [SQLiteValue] = [.integer(row.seq)]
                for (index, field) in fields.enumerated().dropFirst() {
                    // created_at (3) and duration_ms (12) are INTEGER columns.
                    if index == 3 || index == 12, let field, let number = Int64(field) {
                        values.append(.integer(number))
                    } else {
                        values.append(SQLiteValue(field))
                    }
                }
                values.append(.text(row.prevHash))
                values.append(.text(row.rowHash))
                try insert.run(values)
            }
            try connection.execute("COMMIT")
            if let last = linked.last {
                lastWritten = (last.seq, last.rowHash)
                checkpoints?.committed(seq: last.seq, rowHash: last.rowHash)
            }
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}

/// The reader's connection; used only on the reader thread.
final class SQLiteAuditReader: @unchecked Sendable {
    private let connection: SQLiteConnection

    init(path: String) throws(SQLiteError) {
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA query_only = ON")
    }

    func query(_ query: AuditQuery, as viewer: AuditViewer) throws -> AuditPage {
        var filter = AuditFilterSQL<SQLiteValue>(marker: "?")
        // The visibility rule comes first and is not a filter the viewer controls.
        if !viewer.seesEverything {
            let own = try Self.uuidText(viewer.callerId ?? AuditViewer.operatorSubject, field: "viewer caller_id")
            filter.add([.text(own)]) { "caller_id = \($0[0])" }
        }
        if let provider = query.provider { filter.add([.text(provider)]) { "provider = \($0[0])" } }
        if let tool = query.tool { filter.add([.text(tool)]) { "tool = \($0[0])" } }
        if let caller = query.callerId {
            let callerText = try Self.uuidText(caller, field: "caller_id")
            filter.add([.text(callerText)]) { "caller_id = \($0[0])" }
        }
        if let status = query.status { filter.add([.text(status.rawValue)]) { "status = \($0[0])" } }
        if let severity = query.minSeverity {
            filter.add(severity.atLeast.map { .text($0.rawValue) }) { "severity in (\($0.joined(separator: ", ")))" }
        }
        if let since = query.since { filter.add([.integer(AuditTimestamp.micros(since))]) { "created_at >= \($0[0])" } }
        if let until = query.until { filter.add([.integer(AuditTimestamp.micros(until))]) { "created_at < \($0[0])" } }
        if let token = query.cursor {
            let cursor = try AuditCursor(decoding: token)
            filter.add([.integer(cursor.createdAtMicros), .integer(cursor.createdAtMicros), .integer(cursor.seq)]) {
                "(created_at < \($0[0]) or (created_at = \($0[1]) and seq < \($0[2])))"
            }
        }
        let limit = query.effectiveLimit
        let sql = "select \(SQLiteAuditSchema.selectColumns) from run_events \(filter.whereClause) order by created_at desc, seq desc limit \(limit + 1)"
        let values = filter.values
        let statement = try connection.prepare(sql)
        try statement.bind(values)
        var rows: [[String?]] = []
        while try statement.step() { rows.append(Self.columns(of: statement)) }
        return try AuditRowColumns.page(rows, limit: limit)
    }

    func verify(checkpoints: [AuditCheckpoints.Checkpoint] = []) throws -> ChainReport {
        var verifier = ChainVerifier(checkpoints: checkpoints)
        // One read transaction: a consistent snapshot of the chain while the writer goes on.
        try connection.execute("BEGIN")
        defer { try? connection.execute("COMMIT") }
        let statement = try connection.prepare("SELECT \(SQLiteAuditSchema.selectColumns) FROM run_events ORDER BY seq")
        try statement.bind([])
        while try statement.step() {
            guard verifier.check(AuditRowColumns.chainRow(Self.columns(of: statement))) else { break }
        }
        return verifier.report
    }

    private static func columns(of statement: SQLiteStatement) -> [String?] {
        (0..<Int32(AuditRowColumns.count)).map { statement.text($0) }
    }

    private static func uuidText(_ text: String, field: String) throws(AuditStoreError) -> String {
        guard let uuid = UUID(uuidString: text) else { throw .invalidUUID(field: field, value: text) }
        return uuid.uuidString.lowercased()
    }
}
