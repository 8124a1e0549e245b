import Foundation

/// Brings an event into the one form both stores write and hash, and rejects what no store could
/// write faithfully. Run before an event is queued, so a bad event fails its own `append` and
/// never a whole group commit.
struct AuditEventNormalizer: Sendable {
    var resultCap: AuditResultCap

    func normalize(_ input: AuditEvent) throws(AuditStoreError) -> AuditEvent {
        var event = input
        // PostgreSQL text cannot hold NUL and libpq passes C strings: a NUL would silently cut the
        // value and break the chain, so it becomes U+FFFD in every store.
        event.requestId = Self.withoutNUL(event.requestId)
        event.provider = Self.withoutNUL(event.provider)
        event.tool = Self.withoutNUL(event.tool)
        event.callerRole = Self.withoutNUL(event.callerRole)
        event.team = event.team.map(Self.withoutNUL)
        event.stage = event.stage.map(Self.withoutNUL)
        event.error = event.error.map(Self.withoutNUL)
        event.hostname = event.hostname.map(Self.withoutNUL)
        if let callerId = event.callerId {
            guard let uuid = UUID(uuidString: callerId) else { throw .invalidUUID(field: "caller_id", value: callerId) }
            event.callerId = uuid.uuidString.lowercased()
        }
        if let severity = event.severity {
            guard let level = AuditSeverity(parsing: severity) else { throw .invalidSeverity(severity) }
            event.severity = level.rawValue
        }
        // duration_ms is a PostgreSQL int.
        event.durationMs = min(max(event.durationMs, 0), Int(Int32.max))
        // Whole microseconds: what PostgreSQL keeps, and what the chain hashes.
        event.createdAt = AuditTimestamp.date(micros: AuditTimestamp.micros(event.createdAt))
        if let payload = event.payload {
            guard Self.isJSON(payload) else { throw .invalidJSON(field: "payload", eventId: event.id) }
        }
        if let result = event.result {
            guard Self.isJSON(result) else { throw .invalidJSON(field: "result", eventId: event.id) }
            event.result = resultCap.apply(result)
        }
        return event
    }

    private static func withoutNUL(_ text: String) -> String {
        text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    private static func isJSON(_ text: String) -> Bool {
        guard !text.contains("\u{0}") else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }
}
