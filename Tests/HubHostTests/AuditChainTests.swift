import Foundation
import Testing
@testable import HubHost

@Suite("Audit chain, cap, cursor and severity")
struct AuditChainTests {
    static func sha256Hex(_ text: String) -> String {
        AuditHex.sha256(Data(text.utf8))
    }

    @Test func canonicalTextIsLengthPrefixedWithNullMarks() {
        let text = AuditChain.canonicalText(fields: ["1", nil, "", "a\u{1F}b"])
        #expect(text == "v1\u{1F}1:1\u{1F}-\u{1F}0:\u{1F}3:a\u{1F}b")
        // NULL and empty string differ, and a separator inside a value cannot shift fields.
        #expect(AuditChain.canonicalText(fields: [nil]) != AuditChain.canonicalText(fields: [""]))
        #expect(AuditChain.canonicalText(fields: ["a\u{1F}1:b"]) != AuditChain.canonicalText(fields: ["a", "b"]))
    }

    @Test func rowHashIsSHA256OfPrevHashThenCanonicalText() {
        #expect(Self.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let event = AuditFixtures.everyOutcome()[0]
        let fields = AuditChain.fields(of: event, seq: 1)
        #expect(fields.count == 20, "chain v2: the 17 fields of v1 plus channel, protocol_version, provider_version")
        let expected = Self.sha256Hex(AuditChain.genesis + AuditChain.canonicalText(fields: fields))
        #expect(AuditChain.rowHash(prevHash: AuditChain.genesis, event: event, seq: 1) == expected)
    }

    @Test func verifierNamesTheFirstBrokenLink() {
        let events = AuditFixtures.everyOutcome()
        let linked = AuditChain.link(events, afterSeq: 0, headHash: AuditChain.genesis)
        func rows(_ stored: [StoredAuditEvent]) -> [AuditChainRow] {
            stored.map { AuditChainRow(seq: $0.seq, id: $0.event.id.uuidString.lowercased(),
                                       fields: AuditChain.fields(of: $0.event, seq: $0.seq), prevHash: $0.prevHash, rowHash: $0.rowHash) }
        }
        var intact = ChainVerifier()
        for row in rows(linked) { _ = intact.check(row) }
        #expect(intact.report == ChainReport(rows: 6, firstBreak: nil))

        var altered = linked
        altered[3].event.error = "nothing to see"
        var verifier = ChainVerifier()
        for row in rows(altered) { guard verifier.check(row) else { break } }
        #expect(verifier.report.rows == 4)
        #expect(verifier.report.firstBreak?.seq == 4)
        #expect(verifier.report.firstBreak?.check == .rowHash)
        #expect(verifier.report.firstBreak?.id == events[3].id.uuidString.lowercased())

        var removed = linked
        removed.remove(at: 2)
        var gap = ChainVerifier()
        for row in rows(removed) { guard gap.check(row) else { break } }
        #expect(gap.report.firstBreak?.seq == 4)
        #expect(gap.report.firstBreak?.check == .sequence)
    }

    @Test func resultCapKeepsSmallResultsAndMarksLargeOnes() throws {
        let cap = AuditResultCap(maxBytes: 64)
        #expect(cap.apply(#"{"a":1}"#) == #"{"a":1}"#)
        let large = "[\"" + String(repeating: "é", count: 100) + "\"]"
        let marker = try AuditFixtures.json(cap.apply(large))
        #expect(marker["truncated"] as? Bool == true)
        #expect((marker["bytes"] as? NSNumber)?.intValue == large.utf8.count)
        #expect(marker["sha256"] as? String == Self.sha256Hex(large))
        let prefix = try #require(marker["prefix"] as? String)
        #expect(large.hasPrefix(prefix))
        #expect(prefix.utf8.count <= 32)  // cut back to a whole character
    }

    @Test func cursorRoundTripsAndRejectsForgeries() throws {
        let cursor = AuditCursor(createdAtMicros: 1_760_000_000_123_456, seq: 42)
        #expect(try AuditCursor(decoding: cursor.encoded) == cursor)
        #expect(throws: AuditStoreError.invalidCursor("djI6MTox")) { try AuditCursor(decoding: "djI6MTox") }
    }

    @Test func severityOrderAndHighestInAResult() {
        #expect(AuditSeverity.low < .medium && AuditSeverity.medium < .high && AuditSeverity.high < .critical)
        #expect(AuditSeverity.high.atLeast == [.high, .critical])
        #expect(AuditSeverity(parsing: "middle") == .medium)
        #expect(AuditSeverity.highest(inResultJSON: #"{"alerts":[{"severity":"low"},{"x":{"severity":"HIGH"}}]}"#) == .high)
        #expect(AuditSeverity.highest(inResultJSON: #"{"ok":true}"#) == nil)
    }

    @Test func timestampsAreExactToTheMicrosecond() {
        #expect(AuditTimestamp.postgresLiteral(micros: 1_760_000_000_123_456) == "2025-10-09 08:53:20.123456+00")
        #expect(AuditTimestamp.postgresLiteral(micros: 5) == "1970-01-01 00:00:00.000005+00")
        #expect(AuditTimestamp.micros(AuditFixtures.base) == 1_760_000_000_123_456)
    }
}
