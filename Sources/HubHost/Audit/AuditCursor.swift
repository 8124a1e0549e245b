import Foundation

/// The opaque pagination cursor: the (created_at, seq) of the last event on a page, so the next
/// page starts strictly after it in (created_at, seq) descending order. Encoded as base64url of
/// "v1:<micros>:<seq>" so callers treat it as a token, not as an API.
struct AuditCursor: Sendable, Equatable {
    var createdAtMicros: Int64
    var seq: Int64

    init(createdAtMicros: Int64, seq: Int64) {
        self.createdAtMicros = createdAtMicros
        self.seq = seq
    }

    init(after event: StoredAuditEvent) {
        self.init(createdAtMicros: AuditTimestamp.micros(event.event.createdAt), seq: event.seq)
    }

    var encoded: String {
        Data("v1:\(createdAtMicros):\(seq)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(decoding token: String) throws(AuditStoreError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw .invalidCursor(token)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let micros = Int64(parts[1]), let seq = Int64(parts[2]) else {
            throw .invalidCursor(token)
        }
        self.init(createdAtMicros: micros, seq: seq)
    }
}
