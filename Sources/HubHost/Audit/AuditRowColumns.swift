import Foundation

/// The column order both stores SELECT in: seq followed by the other canonical chain fields in
/// `AuditChain.fields` order (19 more), then prev_hash and row_hash. Reading every column as text in this one
/// order lets verify hash exactly what is stored, and lets both stores share the decoding.
enum AuditRowColumns {
    static let names = [
        "seq", "id", "request_id", "created_at", "provider", "tool", "caller_id", "caller_role", "team",
        "status", "stage", "severity", "duration_ms", "hostname", "payload", "result", "error",
        "channel", "protocol_version", "provider_version", "prev_hash", "row_hash",
    ]
    static let chainFieldCount = 20
    static let prevHashIndex = 20
    static let rowHashIndex = 21
    static let count = names.count

    static func chainRow(_ columns: [String?]) -> AuditChainRow {
        AuditChainRow(
            seq: Int64(columns[0] ?? "") ?? -1,
            id: columns[1] ?? "",
            fields: Array(columns[0..<chainFieldCount]),
            prevHash: columns[prevHashIndex] ?? "",
            rowHash: columns[rowHashIndex] ?? ""
        )
    }

    static func storedEvent(_ columns: [String?]) throws(AuditStoreError) -> StoredAuditEvent {
        func required(_ index: Int) throws(AuditStoreError) -> String {
            guard let value = columns[index] else { throw .database("stored event has NULL \(names[index])") }
            return value
        }
        let idText = try required(1)
        guard let id = UUID(uuidString: idText) else { throw .database("stored event id \"\(idText)\" is not a uuid") }
        let statusText = try required(9)
        guard let status = AuditStatus(rawValue: statusText) else {
            throw .database("stored event \(idText) has unknown status \"\(statusText)\"")
        }
        let event = AuditEvent(
            id: id,
            requestId: try required(2),
            provider: try required(4),
            tool: try required(5),
            callerId: columns[6],
            callerRole: try required(7),
            team: columns[8],
            status: status,
            stage: columns[10],
            payload: columns[14],
            result: columns[15],
            error: columns[16],
            durationMs: columns[12].flatMap { Int($0) } ?? 0,
            hostname: columns[13],
            severity: columns[11],
            createdAt: AuditTimestamp.date(micros: Int64(try required(3)) ?? 0),
            channel: columns[17].flatMap(AuditChannel.init(rawValue:)),
            protocolVersion: columns[18],
            providerVersion: columns[19]
        )
        return StoredAuditEvent(
            event: event, seq: Int64(try required(0)) ?? 0, prevHash: try required(prevHashIndex),
            rowHash: try required(rowHashIndex)
        )
    }

    /// Decodes a page of rows, fetched with `limit + 1` so the extra row says another page exists.
    static func page(_ rows: [[String?]], limit: Int) throws(AuditStoreError) -> AuditPage {
        var events: [StoredAuditEvent] = []
        events.reserveCapacity(min(rows.count, limit))
        for row in rows.prefix(limit) { events.append(try storedEvent(row)) }
        // The cursor is built from the stored column text, not from the decoded `Date`, so it is
        // exact to the microsecond.
        var next: String?
        if rows.count > limit, let last = rows.prefix(limit).last,
           let micros = last[3].flatMap({ Int64($0) }), let seq = last[0].flatMap({ Int64($0) }) {
            next = AuditCursor(createdAtMicros: micros, seq: seq).encoded
        }
        return AuditPage(events: events, nextCursor: next)
    }
}
