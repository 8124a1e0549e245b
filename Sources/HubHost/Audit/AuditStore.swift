import Foundation

/// Where audit events go. Every implementation keeps the same promises:
/// - `append` returns only once the event is durable (committed, or spooled to local disk);
/// - events are immutable once written, and hash-chained so `verify` detects what immutability
///   cannot prevent (a superuser disabling triggers, someone editing the file);
/// - `query` shows a viewer only their own events and an ops_admin everything.
///
/// One hub instance writes to a store at a time (see `AuditChain`); any number may read.
protocol AuditStore: Sendable {
    /// Appends one event; returns after it is durable.
    func append(_ event: AuditEvent) async throws
    func query(_ query: AuditQuery, as viewer: AuditViewer) async throws -> AuditPage
    /// Walks the whole chain in seq order and reports the first broken link.
    func verify() async throws -> ChainReport
    /// Finishes pending appends and releases connections. Appends after close fail.
    func close() async
    /// Events held in a local spool because the database is unreachable; nil for a store that
    /// never spools. `/healthz` reports it (degraded while it is above zero).
    func spoolDepth() async -> Int?
}

extension AuditStore {
    func spoolDepth() async -> Int? { nil }
}

/// Why the audit trail refused or could not do something. Each case names the thing at fault.
enum AuditStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store has been closed; nothing more is accepted.
    case closed
    /// A field that must hold a uuid does not.
    case invalidUUID(field: String, value: String)
    /// payload or result is not JSON text.
    case invalidJSON(field: String, eventId: UUID)
    /// severity is not one of low, medium, high, critical (or a known synonym).
    case invalidSeverity(String)
    case invalidCursor(String)
    /// PostgreSQL lacks the table or a column the hub needs.
    case schemaMissing(String)
    /// The database refused the operation; the message is the database's own.
    case database(String)
    /// The database could not be reached (queries only: appends spool instead).
    case unavailable(String)

    var description: String {
        switch self {
        case .closed: "audit store is closed"
        case .invalidUUID(let field, let value): "audit event \(field) \"\(value)\" is not a uuid"
        case .invalidJSON(let field, let id): "audit event \(id.uuidString.lowercased()) \(field) is not valid JSON text"
        case .invalidSeverity(let value): "audit severity \"\(value)\" is not low, medium, high or critical"
        case .invalidCursor(let token): "cursor \"\(token)\" was not issued by this audit store"
        case .schemaMissing(let detail): detail
        case .database(let message): "audit database error: \(message)"
        case .unavailable(let message): "audit database unavailable: \(message)"
        }
    }
}
