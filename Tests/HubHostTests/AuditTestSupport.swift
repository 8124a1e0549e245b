import Foundation
import Testing
@testable import HubHost

/// Fixed people and helpers the audit tests share.
enum AuditFixtures {
    static let alice = "11111111-1111-4111-8111-111111111111"
    static let bob = "22222222-2222-4222-8222-222222222222"
    static let admin = "33333333-3333-4333-8333-333333333333"

    static let adminViewer = AuditViewer(callerId: admin, role: .opsAdmin)
    static let aliceViewer = AuditViewer(callerId: alice, role: .opsViewer)
    static let bobViewer = AuditViewer(callerId: bob, role: .opsOperator)

    /// A time with whole microseconds, so round trips compare exactly.
    static let base = Date(timeIntervalSince1970: 1_760_000_000.123456)

    /// One event of every outcome the request path produces, including an unauthenticated caller.
    static func everyOutcome() -> [AuditEvent] {
        [
            AuditEvent(requestId: "r-ok", provider: "socket", tool: "scan.repo", callerId: alice, callerRole: "ops_operator",
                       team: "platform", status: .ok, stage: "invoke", payload: #"{"repo": "acme/api"}"#,
                       result: #"{"findings": [{"severity": "critical"}]}"#, durationMs: 812, hostname: "api.socket.dev",
                       severity: "critical", createdAt: base),
            AuditEvent(requestId: "r-error", provider: "sentry", tool: "issues.list", callerId: alice, callerRole: "ops_viewer",
                       status: .error, stage: "invoke", payload: #"{"project": "web"}"#, error: "upstream_error: sentry.io answered 502",
                       durationMs: 120, hostname: "sentry.io", createdAt: base.addingTimeInterval(1)),
            AuditEvent(requestId: "r-denied", provider: "socket", tool: "scan.repo", callerId: bob, callerRole: "ops_viewer",
                       status: .denied, stage: "authorize", payload: #"{"repo": "acme/api"}"#,
                       error: "forbidden: scan.repo requires ops_operator, caller is ops_viewer", durationMs: 0,
                       createdAt: base.addingTimeInterval(2)),
            AuditEvent(requestId: "r-limited", provider: "socket", tool: "findings.list", callerId: bob, callerRole: "ops_viewer",
                       status: .rateLimited, stage: "rate_limit", error: "rate_limited: 100/hour reads exhausted, retry in 42 s",
                       durationMs: 0, createdAt: base.addingTimeInterval(3)),
            AuditEvent(requestId: "r-timeout", provider: "sentry", tool: "capture.error", callerId: admin, callerRole: "ops_admin",
                       status: .timeout, stage: "invoke", payload: #"{"message": "boom"}"#, error: "timeout after 10000 ms",
                       durationMs: 10_000, hostname: "o1.ingest.sentry.io", createdAt: base.addingTimeInterval(4)),
            AuditEvent(requestId: "r-unauthenticated", provider: "socket", tool: "health", callerId: nil, callerRole: "unknown",
                       status: .denied, stage: "authenticate", error: "unauthenticated: token expired", durationMs: 0,
                       createdAt: base.addingTimeInterval(5)),
        ]
    }

    static func event(
        caller: String?, provider: String = "socket", tool: String = "findings.list", status: AuditStatus = .ok,
        severity: String? = nil, at date: Date = Date(), request: String = UUID().uuidString
    ) -> AuditEvent {
        AuditEvent(requestId: request, provider: provider, tool: tool, callerId: caller,
                   callerRole: caller == nil ? "unknown" : "ops_viewer", status: status, stage: "invoke",
                   payload: #"{"n": 1}"#, result: #"{"ok": true}"#, durationMs: 3, severity: severity, createdAt: date)
    }

    /// Every event `viewer` may see, walking all pages.
    static func all(_ store: any AuditStore, as viewer: AuditViewer, _ query: AuditQuery = AuditQuery(limit: 500)) async throws -> [StoredAuditEvent] {
        var query = query
        var events: [StoredAuditEvent] = []
        while true {
            let page = try await store.query(query, as: viewer)
            events += page.events
            guard let next = page.nextCursor else { return events }
            query.cursor = next
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func json(_ text: String?) throws -> NSDictionary {
        let object = try JSONSerialization.jsonObject(with: Data((text ?? "").utf8))
        return try #require(object as? NSDictionary)
    }
}

/// Behaviour every store must show; each store's suite runs these against a fresh store.
enum AuditStoreContract {
    /// Each outcome is stored once, with its fields, in a chain that verifies.
    static func everyOutcomeStoredOnce(_ store: any AuditStore) async throws {
        let sent = AuditFixtures.everyOutcome()
        for event in sent { try await store.append(event) }
        let stored = try await AuditFixtures.all(store, as: AuditFixtures.adminViewer)
        #expect(stored.count == sent.count)
        for original in sent {
            let matches = stored.filter { $0.event.id == original.id }
            try #require(matches.count == 1, "event \(original.requestId) stored \(matches.count) times")
            let got = matches[0].event
            #expect(got.requestId == original.requestId)
            #expect(got.provider == original.provider)
            #expect(got.tool == original.tool)
            #expect(got.callerId == original.callerId)
            #expect(got.callerRole == original.callerRole)
            #expect(got.team == original.team)
            #expect(got.status == original.status)
            #expect(got.stage == original.stage)
            #expect(got.error == original.error)
            #expect(got.durationMs == original.durationMs)
            #expect(got.hostname == original.hostname)
            #expect(got.severity == original.severity)
            #expect(AuditTimestamp.micros(got.createdAt) == AuditTimestamp.micros(original.createdAt))
            #expect(try jsonEqual(got.payload, original.payload))
            #expect(try jsonEqual(got.result, original.result))
        }
        // The unauthenticated request: no caller, role unknown, stage authenticate.
        let anonymous = try #require(stored.first { $0.event.requestId == "r-unauthenticated" })
        #expect(anonymous.event.callerId == nil && anonymous.event.callerRole == "unknown" && anonymous.event.stage == "authenticate")
        // Chain: seq 1…n in append order, linked from the genesis hash.
        let bySeq = stored.sorted { $0.seq < $1.seq }
        #expect(bySeq.map(\.seq) == Array(1...Int64(sent.count)))
        #expect(bySeq.map(\.event.id) == sent.map(\.id))
        #expect(bySeq[0].prevHash == AuditChain.genesis)
        for (previous, next) in zip(bySeq, bySeq.dropFirst()) { #expect(next.prevHash == previous.rowHash) }
        let report = try await store.verify()
        #expect(report == ChainReport(rows: sent.count, firstBreak: nil))
    }

    /// A result over the cap becomes the marker; one under it is kept.
    static func resultCap(_ store: any AuditStore, capBytes: Int) async throws {
        let big = #"{"items": ["# + (0..<400).map { "\"item-\($0)-é\"" }.joined(separator: ", ") + "]}"
        #expect(big.utf8.count > capBytes)
        var large = AuditFixtures.event(caller: AuditFixtures.alice)
        large.result = big
        var small = AuditFixtures.event(caller: AuditFixtures.alice)
        small.result = #"{"ok": true}"#
        try await store.append(large)
        try await store.append(small)
        let stored = try await AuditFixtures.all(store, as: AuditFixtures.adminViewer)
        let marker = try AuditFixtures.json(try #require(stored.first { $0.event.id == large.id }).event.result)
        #expect(marker["truncated"] as? Bool == true)
        #expect((marker["bytes"] as? NSNumber)?.intValue == big.utf8.count)
        #expect(marker["sha256"] as? String == AuditChainTests.sha256Hex(big))
        let prefix = try #require(marker["prefix"] as? String)
        #expect(!prefix.isEmpty && big.hasPrefix(prefix) && prefix.utf8.count <= capBytes / 2)
        #expect(try jsonEqual(stored.first { $0.event.id == small.id }?.event.result, small.result))
        #expect(try await store.verify().isIntact)
    }

    /// A viewer sees only their own events whatever they ask for; an admin sees everything.
    static func visibility(_ store: any AuditStore) async throws {
        let t = AuditFixtures.base
        let events = [
            AuditFixtures.event(caller: AuditFixtures.alice, provider: "socket", tool: "scan.repo", severity: "high", at: t),
            AuditFixtures.event(caller: AuditFixtures.alice, provider: "sentry", tool: "issues.list", status: .error, at: t.addingTimeInterval(10)),
            AuditFixtures.event(caller: AuditFixtures.bob, provider: "socket", tool: "scan.repo", severity: "critical", at: t.addingTimeInterval(20)),
            AuditFixtures.event(caller: AuditFixtures.bob, provider: "socket", tool: "findings.list", severity: "low", at: t.addingTimeInterval(30)),
            AuditFixtures.event(caller: nil, provider: "socket", tool: "health", status: .denied, at: t.addingTimeInterval(40)),
        ]
        for event in events { try await store.append(event) }
        let alice = AuditFixtures.aliceViewer
        #expect(try await AuditFixtures.all(store, as: alice).map(\.event.id).sorted { $0.uuidString < $1.uuidString }
                == events[0...1].map(\.id).sorted { $0.uuidString < $1.uuidString })
        // Asking for someone else's events, by name or by filters that match only theirs, yields nothing.
        #expect(try await AuditFixtures.all(store, as: alice, AuditQuery(callerId: AuditFixtures.bob)).isEmpty)
        #expect(try await AuditFixtures.all(store, as: alice, AuditQuery(minSeverity: .critical)).isEmpty)
        #expect(try await AuditFixtures.all(store, as: alice, AuditQuery(tool: "health")).isEmpty)
        #expect(try await AuditFixtures.all(store, as: AuditFixtures.bobViewer).count == 2)
        // The admin sees all, and the filters work.
        let admin = AuditFixtures.adminViewer
        #expect(try await AuditFixtures.all(store, as: admin).count == 5)
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(provider: "socket")).count == 4)
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(provider: "socket", tool: "scan.repo")).count == 2)
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(callerId: AuditFixtures.bob)).count == 2)
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(status: .error)).map(\.event.id) == [events[1].id])
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(minSeverity: .high)).map(\.event.id) == [events[2].id, events[0].id])
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(minSeverity: .low)).count == 3)
        #expect(try await AuditFixtures.all(store, as: admin, AuditQuery(since: t.addingTimeInterval(10), until: t.addingTimeInterval(30))).map(\.event.id)
                == [events[2].id, events[1].id])
        #expect(try await store.query(AuditQuery(limit: 10_000), as: admin).events.count == 5)
    }

    /// Pages of 7 walk every row once, newest first, including rows sharing one created_at.
    static func pagination(_ store: any AuditStore) async throws {
        let t = AuditFixtures.base
        var sent: [AuditEvent] = []
        for index in 0..<40 {
            // Groups of four share a timestamp, so the seq tie-breaker matters.
            sent.append(AuditFixtures.event(caller: AuditFixtures.alice, at: t.addingTimeInterval(Double(index / 4))))
        }
        for event in sent { try await store.append(event) }
        var seen: [StoredAuditEvent] = []
        var query = AuditQuery(limit: 7)
        var pages = 0
        while true {
            let page = try await store.query(query, as: AuditFixtures.aliceViewer)
            pages += 1
            #expect(page.events.count <= 7)
            seen += page.events
            guard let cursor = page.nextCursor else { break }
            query.cursor = cursor
        }
        #expect(pages == 6)
        #expect(seen.count == 40)
        #expect(Set(seen.map(\.event.id)).count == 40)
        // Newest first: (created_at, seq) strictly descending.
        for (a, b) in zip(seen, seen.dropFirst()) {
            let ka = (AuditTimestamp.micros(a.event.createdAt), a.seq)
            let kb = (AuditTimestamp.micros(b.event.createdAt), b.seq)
            #expect(ka > kb)
        }
        #expect(seen.first?.event.id == sent.last?.id)
        await #expect(throws: AuditStoreError.invalidCursor("not-a-cursor")) {
            _ = try await store.query(AuditQuery(cursor: "not-a-cursor"), as: AuditFixtures.aliceViewer)
        }
    }

    /// 64 concurrent appenders: every event present once, in a chain that verifies.
    static func groupCommit(_ store: any AuditStore, perAppender: Int) async throws {
        let ids = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for appender in 0..<64 {
                group.addTask {
                    var ids: [UUID] = []
                    for index in 0..<perAppender {
                        let event = AuditThroughput.sampleEvent(appender: appender, index: index)
                        try await store.append(event)
                        ids.append(event.id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let stored = try await AuditFixtures.all(store, as: AuditFixtures.adminViewer)
        #expect(stored.count == 64 * perAppender)
        #expect(Set(stored.map(\.event.id)) == Set(ids))
        #expect(try await store.verify() == ChainReport(rows: 64 * perAppender, firstBreak: nil))
    }

    /// What the store refuses before writing: it throws for that append alone.
    static func rejectsMalformedEvents(_ store: any AuditStore) async throws {
        var badCaller = AuditFixtures.event(caller: AuditFixtures.alice)
        badCaller.callerId = "alice"
        await #expect(throws: AuditStoreError.invalidUUID(field: "caller_id", value: "alice")) { try await store.append(badCaller) }
        var badJSON = AuditFixtures.event(caller: AuditFixtures.alice)
        badJSON.payload = "{not json"
        await #expect(throws: AuditStoreError.invalidJSON(field: "payload", eventId: badJSON.id)) { try await store.append(badJSON) }
        var badSeverity = AuditFixtures.event(caller: AuditFixtures.alice)
        badSeverity.severity = "apocalyptic"
        await #expect(throws: AuditStoreError.invalidSeverity("apocalyptic")) { try await store.append(badSeverity) }
        // A duplicate id fails its own append only.
        let first = AuditFixtures.event(caller: AuditFixtures.alice)
        try await store.append(first)
        await #expect(throws: AuditStoreError.self) { try await store.append(first) }
        try await store.append(AuditFixtures.event(caller: AuditFixtures.alice))
        #expect(try await store.verify() == ChainReport(rows: 2, firstBreak: nil))
    }

    static func jsonEqual(_ a: String?, _ b: String?) throws -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        // Compare canonical re-serialisations: jsonb reorders keys and respaces, values stay.
        func canonical(_ text: String) throws -> Data {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        }
        return try canonical(a) == canonical(b)
    }
}
