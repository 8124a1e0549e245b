import Foundation
import Logging

/// The PostgreSQL store's writer: its connection, the spool and the forwarder. Used only on the
/// writer thread (`GroupCommitQueue`), so the chain, the connection and the spool order need no lock.
///
/// While the spool holds anything, new events go to the spool too, behind it, and the forwarder
/// drains it in order; once it is empty, events go straight to PostgreSQL again. So events reach
/// PostgreSQL in the order they were appended, and the chain is computed when they do.
final class PostgresAuditWriter: @unchecked Sendable {
    static let forwardChunk = 500
    static let firstRetryDelay: TimeInterval = 0.25
    static let maximumRetryDelay: TimeInterval = 2

    private let conninfo: String
    let spool: AuditSpool
    private var connection: PostgresConnection?
    private var nextAttempt = Date.distantPast
    private var retryDelay = PostgresAuditWriter.firstRetryDelay
    /// The last reason PostgreSQL could not be written (for diagnostics), nil when healthy.
    private(set) var lastProblem: String?

    /// Anchors of the chain outside the database (`AuditCheckpoints`).
    let checkpoints: AuditCheckpoints?

    init(conninfo: String, spool: AuditSpool, connection: PostgresConnection?, checkpoints: AuditCheckpoints? = nil) {
        self.conninfo = conninfo
        self.spool = spool
        self.connection = connection
        self.checkpoints = checkpoints
    }

    // MARK: group commit

    func commit(_ events: [AuditEvent]) -> [Result<Void, any Error>] {
        if spool.backlog == 0, let connection = connectIfDue() {
            do {
                try insert(events, on: connection, skipExisting: false)
                return events.map { _ in .success(()) }
            } catch where error.meansUnavailable {
                lostConnection(error)
            } catch {
                return commitOneByOne(events)
            }
        }
        return spoolEvents(events)
    }

    /// After a batch failed on bad data: each event alone, so only the bad one fails. If the
    /// server goes away meanwhile, the rest are spooled.
    private func commitOneByOne(_ events: [AuditEvent]) -> [Result<Void, any Error>] {
        var outcomes: [Result<Void, any Error>] = []
        for (index, event) in events.enumerated() {
            guard spool.backlog == 0, let connection else {
                return outcomes + spoolEvents(Array(events[index...]))
            }
            do {
                try insert([event], on: connection, skipExisting: false)
                outcomes.append(.success(()))
            } catch where error.meansUnavailable {
                lostConnection(error)
                return outcomes + spoolEvents(Array(events[index...]))
            } catch {
                outcomes.append(.failure(AuditStoreError.database(error.description)))
            }
        }
        return outcomes
    }

    private func spoolEvents(_ events: [AuditEvent]) -> [Result<Void, any Error>] {
        do {
            try spool.append(events)
            return events.map { _ in .success(()) }
        } catch {
            let failure = AuditStoreError.unavailable("PostgreSQL unreachable (\(lastProblem ?? "unknown")) and spool \(spool.path) failed: \(error)")
            return events.map { _ in .failure(failure) }
        }
    }

    // MARK: forwarding

    /// Forwards one chunk of the spool if PostgreSQL is reachable; returns when to run again.
    func forward() -> Date? {
        guard spool.backlog > 0 else { return nil }
        guard let connection = connectIfDue() else { return nextAttempt }
        do {
            let entries = try spool.oldest(Self.forwardChunk)
            do {
                try insert(entries.map(\.event), on: connection, skipExisting: true)
                try spool.remove(entries.map(\.position))
            } catch let error as PostgresError where error.meansUnavailable {
                lostConnection(error)
                return nextAttempt
            } catch is PostgresError {
                try forwardOneByOne(entries, on: connection)
            }
            return Date()
        } catch {
            // The spool itself failed (disk): try again later rather than spin.
            lastProblem = "spool \(spool.path): \(error)"
            return Date().addingTimeInterval(Self.maximumRetryDelay)
        }
    }

    private func forwardOneByOne(_ entries: [(position: Int64, event: AuditEvent)], on connection: PostgresConnection) throws {
        for entry in entries {
            do {
                try insert([entry.event], on: connection, skipExisting: true)
                try spool.remove([entry.position])
            } catch let error as PostgresError where error.meansUnavailable {
                lostConnection(error)
                return
            } catch let error as PostgresError {
                try spool.reject(entry.position, reason: error.description)
            }
        }
    }

    // MARK: PostgreSQL

    /// One transaction: lock the chain, read its head, skip ids already stored (forwarding only),
    /// let the server normalise the JSON, link and insert.
    private func insert(_ events: [AuditEvent], on connection: PostgresConnection, skipExisting: Bool) throws(PostgresError) {
        try connection.execute("BEGIN")
        do {
            let head = try insertInTransaction(events, on: connection, skipExisting: skipExisting)
            try connection.execute("COMMIT")
            if let head { checkpoints?.committed(seq: head.seq, rowHash: head.rowHash) }
        } catch {
            if connection.isConnected { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Returns the new head (nil when nothing was inserted).
    @discardableResult
    private func insertInTransaction(
        _ events: [AuditEvent], on connection: PostgresConnection, skipExisting: Bool
    ) throws(PostgresError) -> (seq: Int64, rowHash: String)? {
        try connection.execute(PostgresAuditSQL.lockChain)
        var pending = events
        if skipExisting {
            let ids = "{" + events.map { $0.id.uuidString.lowercased() }.joined(separator: ",") + "}"
            let existing = Set(try connection.execute(PostgresAuditSQL.existingIds, [ids]).rows.compactMap { $0[0] })
            pending.removeAll { existing.contains($0.id.uuidString.lowercased()) }
        }
        guard !pending.isEmpty else { return nil }
        try normalizeJSON(&pending, on: connection)
        let head = try connection.execute(PostgresAuditSQL.head)
        let headSeq = head.rows.first.flatMap { $0[0] }.flatMap { Int64($0) } ?? 0
        let headHash = head.rows.first.flatMap { $0[1] } ?? AuditChain.genesis
        let linked = AuditChain.link(pending, afterSeq: headSeq, headHash: headHash)
        let inserted = try connection.execute(
            PostgresAuditSQL.insert(rows: linked.count, skipConflicts: skipExisting),
            linked.flatMap(PostgresAuditSQL.parameters(of:))
        )
        // A skipped conflict would leave the next row pointing at a row that is not there.
        guard inserted.rows.count == linked.count else {
            throw PostgresError(
                sqlState: "23505",
                message: "ops.run_events already holds \(linked.count - inserted.rows.count) of these ids; chain not extended",
                connectionLost: false
            )
        }
        return linked.last.map { ($0.seq, $0.rowHash) }
    }

    private func normalizeJSON(_ events: inout [AuditEvent], on connection: PostgresConnection) throws(PostgresError) {
        var texts: [String?] = []
        for event in events {
            if let payload = event.payload { texts.append(payload) }
            if let result = event.result { texts.append(result) }
        }
        guard !texts.isEmpty else { return }
        let normalized = try connection.execute(PostgresAuditSQL.normalizeJSON(count: texts.count), texts).rows[0]
        var next = 0
        for index in events.indices {
            if events[index].payload != nil { events[index].payload = normalized[next]; next += 1 }
            if events[index].result != nil { events[index].result = normalized[next]; next += 1 }
        }
    }

    /// The connection, reconnecting when the last attempt is long enough ago; nil while down.
    private func connectIfDue() -> PostgresConnection? {
        if let connection, connection.isConnected { return connection }
        connection = nil
        guard Date() >= nextAttempt else { return nil }
        do {
            let fresh = try PostgresConnection(conninfo: conninfo)
            connection = fresh
            retryDelay = Self.firstRetryDelay
            if lastProblem != nil {
                Self.logger.notice("audit: PostgreSQL is reachable again; forwarding \(spool.backlog) spooled events")
            }
            lastProblem = nil
            return fresh
        } catch {
            lastProblem = error.description
            nextAttempt = Date().addingTimeInterval(retryDelay)
            retryDelay = min(retryDelay * 2, Self.maximumRetryDelay)
            return nil
        }
    }

    private static let logger = Logger(label: "mcp-hub.audit")

    /// Logged once per outage, not per retry: an admin must learn that events are spooling.
    private func lostConnection(_ error: PostgresError) {
        if lastProblem == nil {
            Self.logger.error("audit: PostgreSQL is unreachable (\(error.description)); events are spooled locally (\(spool.backlog) so far) until it returns")
        }
        lastProblem = error.description
        connection = nil
        nextAttempt = Date().addingTimeInterval(retryDelay)
        retryDelay = min(retryDelay * 2, Self.maximumRetryDelay)
    }
}
