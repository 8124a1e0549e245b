import Crypto
import Foundation

/// The hash chain that makes the audit trail tamper-evident.
///
///     row_hash = lowercase hex of SHA-256( prev_hash || canonical_row_text )
///
/// `prev_hash` is the previous row's `row_hash` (64 ASCII hex characters), and the first row's is
/// `AuditChain.genesis`, 64 "0"s. Both parts are hashed as their UTF-8 bytes.
///
/// Canonical row text (version 1) is "v1" followed by these 17 fields, each preceded by the unit
/// separator U+001F, in this order:
///
///     seq, id, request_id, created_at, provider, tool, caller_id, caller_role, team, status,
///     stage, severity, duration_ms, hostname, payload, result, error
///
/// Canonical row text version 2 (migration 002) is "v2" followed by those 17 fields and three
/// more: channel, protocol_version, provider_version. A row uses v2 exactly when one of the three
/// is non-NULL, so rows written before the migration verify unchanged and every row the hub
/// writes now (which always has a channel) commits to the new columns as well.
///
/// Each field is written as `<n>:<value>` where `<n>` is the decimal count of the value's UTF-8
/// bytes, or as a single `-` when the column is NULL. The length prefix makes the encoding
/// injective whatever the value contains (separators, digits, colons), and `-` can never be
/// mistaken for a value, which always has a colon. Values are the stored column text:
/// - seq, duration_ms: decimal integers;
/// - id, caller_id: lower-case uuid text;
/// - created_at: decimal microseconds since 1970-01-01T00:00:00Z (`AuditTimestamp`);
/// - payload, result: the JSON text exactly as the store returns it (PostgreSQL: `jsonb::text`,
///   which is why the PostgreSQL writer asks the server to normalise JSON before hashing).
///
/// The chain assumes one writer per store (one hub instance): both writers read the chain head
/// inside the write transaction, and PostgreSQL's writer also takes an advisory lock, so a second
/// writer is serialised rather than forking the chain, but it is not a supported deployment.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    /// The canonical fields of `event` at `seq` (17 of v1, then v2's three), in chain order, as
    /// the stores write them.
    static func fields(of event: AuditEvent, seq: Int64) -> [String?] {
        [
            String(seq),
            event.id.uuidString.lowercased(),
            event.requestId,
            String(AuditTimestamp.micros(event.createdAt)),
            event.provider,
            event.tool,
            event.callerId,
            event.callerRole,
            event.team,
            event.status.rawValue,
            event.stage,
            event.severity,
            String(event.durationMs),
            event.hostname,
            event.payload,
            event.result,
            event.error,
            event.channel?.rawValue,
            event.protocolVersion,
            event.providerVersion,
        ]
    }

    static let v1FieldCount = 17

    static func canonicalText(fields: [String?]) -> String {
        let isV2 = fields.dropFirst(v1FieldCount).contains { $0 != nil }
        var text = isV2 ? "v2" : "v1"
        for field in isV2 ? fields[...] : fields.prefix(v1FieldCount) {
            text += "\u{1F}"
            if let field { text += "\(field.utf8.count):\(field)" } else { text += "-" }
        }
        return text
    }

    static func rowHash(prevHash: String, fields: [String?]) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(prevHash.utf8))
        hasher.update(data: Data(canonicalText(fields: fields).utf8))
        return AuditHex.string(hasher.finalize())
    }

    static func rowHash(prevHash: String, event: AuditEvent, seq: Int64) -> String {
        rowHash(prevHash: prevHash, fields: fields(of: event, seq: seq))
    }

    /// Links `events` onto a chain whose head is (`headSeq`, `headHash`).
    static func link(_ events: [AuditEvent], afterSeq headSeq: Int64, headHash: String) -> [StoredAuditEvent] {
        var seq = headSeq
        var prev = headHash
        return events.map { event in
            seq += 1
            let hash = rowHash(prevHash: prev, event: event, seq: seq)
            defer { prev = hash }
            return StoredAuditEvent(event: event, seq: seq, prevHash: prev, rowHash: hash)
        }
    }
}

/// One stored row as verify reads it: raw column text, never decoded into an `AuditEvent`, so a
/// tampered value that no longer decodes (a status of "hacked") is still hashed and caught.
struct AuditChainRow: Sendable {
    var seq: Int64
    var id: String
    /// The 17 canonical fields, read from the stored columns (`AuditChain.fields` order).
    var fields: [String?]
    var prevHash: String
    var rowHash: String
}

/// The outcome of `AuditStore.verify()`.
struct ChainReport: Sendable, Equatable {
    /// Rows checked (all of them when the chain is intact; up to and including the break otherwise).
    var rows: Int
    var firstBreak: ChainBreak?

    var isIntact: Bool { firstBreak == nil }
}

/// The first row at which the chain does not hold.
struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    enum Check: String, Sendable, Equatable {
        /// seq is not the previous row's seq + 1 (a row was removed or inserted out of order).
        case sequence
        /// prev_hash is not the previous row's row_hash (or not the genesis hash on the first row).
        case prevHash = "prev_hash"
        /// row_hash does not match the row's own columns: the row was altered after it was written.
        case rowHash = "row_hash"
        /// A recorded checkpoint (`AuditCheckpoints`) names a row that is gone or differs: the
        /// newest rows were removed, or the chain was rewritten from that point.
        case checkpoint
    }

    var seq: Int64
    /// The row's id as stored.
    var id: String
    var check: Check
    var expected: String
    var found: String

    var description: String {
        "audit chain broken at seq \(seq) (id \(id)): \(check.rawValue) check failed, expected \(expected), found \(found)"
    }
}

/// Walks rows in seq order, one at a time, remembering only the previous link: verify streams.
struct ChainVerifier {
    private(set) var rows = 0
    private(set) var firstBreak: ChainBreak?
    private var lastSeq: Int64 = 0
    private var lastHash = AuditChain.genesis
    /// Anchors recorded outside the table: seq → row_hash.
    private var checkpoints: [Int64: String] = [:]

    init(checkpoints: [AuditCheckpoints.Checkpoint] = []) {
        for checkpoint in checkpoints { self.checkpoints[checkpoint.seq] = checkpoint.rowHash }
    }

    /// Returns false once a break is found (callers stop reading).
    mutating func check(_ row: AuditChainRow) -> Bool {
        guard firstBreak == nil else { return false }
        rows += 1
        let id = row.id
        if row.seq != lastSeq + 1 {
            firstBreak = ChainBreak(seq: row.seq, id: id, check: .sequence, expected: String(lastSeq + 1), found: String(row.seq))
        } else if row.prevHash != lastHash {
            firstBreak = ChainBreak(seq: row.seq, id: id, check: .prevHash, expected: lastHash, found: row.prevHash)
        } else {
            let recomputed = AuditChain.rowHash(prevHash: row.prevHash, fields: row.fields)
            if recomputed != row.rowHash {
                firstBreak = ChainBreak(seq: row.seq, id: id, check: .rowHash, expected: recomputed, found: row.rowHash)
            } else if let anchored = checkpoints[row.seq], anchored != row.rowHash {
                firstBreak = ChainBreak(seq: row.seq, id: id, check: .checkpoint, expected: anchored, found: row.rowHash)
            }
        }
        lastSeq = row.seq
        lastHash = row.rowHash
        return firstBreak == nil
    }

    /// The verdict once every row was read: a checkpoint beyond the last row means the tail
    /// was cut off.
    var report: ChainReport {
        if firstBreak == nil, let beyond = checkpoints.filter({ $0.key > lastSeq }).min(by: { $0.key < $1.key }) {
            let cut = ChainBreak(
                seq: beyond.key, id: "(missing)", check: .checkpoint, expected: beyond.value,
                found: "no row: the chain ends at seq \(lastSeq)")
            return ChainReport(rows: rows + 1, firstBreak: cut)
        }
        return ChainReport(rows: rows, firstBreak: firstBreak)
    }
}
