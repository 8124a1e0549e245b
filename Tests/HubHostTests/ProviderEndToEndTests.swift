import Foundation
import Testing
@testable import HubHost

// The real provider libraries through the whole hub — JWT, RBAC, validation, the vault, egress
// over real TLS to the vendors' real hostnames, the audit store — against the faithful vendor
// fakes. Each test starts its own fake and hub (`ProviderStack`), so tests run independently and
// in parallel. Expected values come from the fake's canned data (Tests/Fakes/vendor_routes.py).

/// Everything a request could leave behind that a caller or an auditor can read.
private func everythingVisible(_ replies: [HubReply], _ events: [AuditEvent]) throws -> String {
    let encoder = JSONEncoder()
    let rows = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    return (replies.map(\.text) + rows).joined(separator: "\n")
}

@Suite("Socket end to end") struct SocketEndToEndTests {
    @Test func scanRepoReportsNormalisedFindingsAndAuditsTheWorstSeverity() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsOperator)
        let reply = try await stack.test { client in try await client.call("socket", "scan.repo", #"{"repo":"my-repo"}"#, token: token) }

        #expect(reply.status == .ok, "\(reply.text)")
        let result = try reply.json
        // scan_1 is the newest scan of main (scan_old is older, scan_dev is another branch).
        #expect(result["scan_id"] == "scan_1")
        #expect(result["packages_scanned"] == 4)
        let findings = try #require(result["findings"]?.arrayValue)
        let severities = findings.compactMap { $0["severity"]?.stringValue }
        // Socket's full-scan artifacts say "middle"; the hub's scale says "medium".
        #expect(severities == ["critical", "high", "medium", "low"], "worst first, normalised")
        #expect(findings.first { $0["package"]?["name"] == "request" }?["severity"] == "medium")
        #expect(result["counts"] == ["critical": 1, "high": 1, "medium": 1, "low": 1])
        #expect(result["max_severity"] == "critical")

        // What Socket saw: the vault's key, the newest-scan query, then the cached NDJSON read.
        let sent = try stack.fake.vendorRequests(host: "api.socket.dev")
        #expect(sent.map(\.path) == ["/v0/orgs/acme/full-scans", "/v0/orgs/acme/full-scans/scan_1"])
        #expect(sent.allSatisfy { $0.headers["authorization"] == "Bearer \(ProviderStack.socketKey)" })
        #expect(sent.first?.query["repo"] == ["my-repo"] && sent.first?.query["branch"] == ["main"])

        let events = try await stack.hub.events()
        let event = try #require(events.first { $0.id.uuidString.lowercased() == reply.eventId })
        #expect(event.status == .ok)
        #expect(event.provider == "socket" && event.tool == "scan.repo")
        #expect(event.hostname == "api.socket.dev")
        #expect(event.severity == "critical")
        #expect(try !everythingVisible([reply], events).contains(ProviderStack.socketKey))
    }

    @Test func scanRepoWaitsWhileSocketIsStillProcessing() async throws {
        let stack = try ProviderStack()
        try stack.fake.setVendorState(#"{"socket_processing":{"scan_1":1}}"#)
        let token = try await stack.hub.token(.opsOperator)
        let reply = try await stack.test { client in try await client.call("socket", "scan.repo", #"{"repo":"my-repo"}"#, token: token) }

        #expect(reply.status == .ok, "\(reply.text)")
        #expect(try reply.json["max_severity"] == "critical")
        let reads = try stack.fake.vendorRequests(host: "api.socket.dev").filter { $0.path.hasSuffix("/scan_1") }
        #expect(reads.count == 2, "one 202 answer, then the artifacts")
    }

    @Test func findingsListFollowsEndCursorPastAnEmptyPage() async throws {
        let stack = try ProviderStack()
        // Socket's rule: an empty page with a cursor is not the end; only a null endCursor is.
        try stack.fake.setVendorState(#"{"socket_empty_first_page":true}"#)
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in try await client.call("socket", "findings.list", #"{"limit":100}"#, token: token) }

        #expect(reply.status == .ok, "\(reply.text)")
        let result = try reply.json
        let ids = result["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == ["alert_1", "alert_2", "alert_3", "alert_4", "alert_6", "alert_7"], "every open alert")
        #expect(result["count"] == 6 && result["truncated"] == false)
        #expect(result["max_severity"] == "critical")

        let pages = try stack.fake.vendorRequests(host: "api.socket.dev")
        #expect(pages.count == 2)
        #expect(pages.first?.query["startAfterCursor"] == nil)
        let cursor = try #require(pages.last?.query["startAfterCursor"]?.first)
        #expect(!cursor.isEmpty)
        #expect(pages.allSatisfy { $0.query["filters.alertStatus"] == ["open"] })
    }

    @Test func findingsListPassesTheMinimumSeverityAsSocketsFilter() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in
            try await client.call("socket", "findings.list", #"{"severity":"high","repo":"my-repo"}"#, token: token)
        }
        #expect(reply.status == .ok, "\(reply.text)")
        let severities = try reply.json["items"]?.arrayValue?.compactMap { $0["severity"]?.stringValue }
        #expect(severities == ["high", "critical"])
        let sent = try #require(try stack.fake.vendorRequests(host: "api.socket.dev").first)
        #expect(sent.query["filters.alertSeverity"] == ["high,critical"])
        #expect(sent.query["filters.repoSlug"] == ["my-repo"])
    }

    struct UpstreamFailure: Sendable, CustomTestStringConvertible {
        var socketStatus: Int
        var hubStatus: Int
        var code: String
        var words: [String]
        var testDescription: String { "Socket \(socketStatus) → \(hubStatus) \(code)" }
    }

    @Test(arguments: [
        UpstreamFailure(
            socketStatus: 401, hubStatus: 502, code: "upstream_error",
            words: ["socket: 401", "Request not authenticated", "rejected the hub's credential", "check vault secret 'socket_api_key'"]),
        UpstreamFailure(
            socketStatus: 403, hubStatus: 502, code: "upstream_error",
            words: ["socket: 403", "Insufficient max_quota for API method", "check vault secret 'socket_api_key'"]),
        UpstreamFailure(
            socketStatus: 429, hubStatus: 429, code: "rate_limited",
            words: ["socket: 429", "Insufficient quota for API route", "socket's vendor", "retry in 30 s"]),
    ])
    func socketErrorsMapToTheContract(_ failure: UpstreamFailure) async throws {
        let stack = try ProviderStack()
        try stack.fake.inject(.init(host: "api.socket.dev", pathPrefix: "/v0/orgs/acme/alerts", status: failure.socketStatus, retryAfter: 30))
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in try await client.call("socket", "findings.list", token: token) }

        #expect(reply.status.code == failure.hubStatus, "\(reply.text)")
        let error = try #require(reply.error)
        #expect(error.code == failure.code)
        #expect(error.message.hasPrefix("socket.findings.list: "))
        for words in failure.words { #expect(error.message.contains(words), "\(error.message)") }

        let events = try await stack.hub.events()
        let event = try #require(events.first)
        #expect(event.status == (failure.hubStatus == 429 ? .rateLimited : .error) && event.stage == "invoke")
        #expect(event.hostname == "api.socket.dev")
        #expect(try !everythingVisible([reply], events).contains(ProviderStack.socketKey))
    }

    @Test func healthIsOkAndDownWhenSocketRejectsTheKey() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (healthy, rejected) = try await stack.test { client in
            let healthy = try await client.health("socket", token: token)
            try stack.fake.setVendorState(#"{"socket_token":"sktsec_someone_else"}"#)
            return (healthy, try await client.health("socket", token: token))
        }
        #expect(healthy.status == .ok)
        #expect(try healthy.json == ["status": "ok"])
        #expect(rejected.status == .ok, "health reports, it does not fail")
        #expect(try rejected.json == ["status": "down", "error": "socket: token rejected"])
        #expect(try stack.fake.vendorRequests(host: "api.socket.dev").map(\.path) == ["/v0/quota", "/v0/quota"])
    }
}

@Suite("Sentry end to end") struct SentryEndToEndTests {
    @Test func issuesListReadsCountsAsIntegersAndPagesWithTheLinkHeader() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (first, second) = try await stack.test { client in
            let first = try await client.call("sentry", "issues.list", #"{"limit":2}"#, token: token)
            let cursor = try first.json["next_cursor"]?.stringValue ?? "missing"
            return (first, try await client.call("sentry", "issues.list", #"{"limit":2,"cursor":"\#(cursor)"}"#, token: token))
        }

        #expect(first.status == .ok, "\(first.text)")
        let page1 = try first.json
        #expect(page1["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["1", "2"])
        // Sentry sends "150"; the tool answers a number.
        #expect(page1["items"]?.arrayValue?.first?["count"] == .number(150))
        #expect(page1["next_cursor"] == "0:2:0", "rel=next has results=\"true\"")
        #expect(page1["max_severity"] == "critical", "issue 2 is fatal")

        #expect(second.status == .ok, "\(second.text)")
        let page2 = try second.json
        #expect(page2["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["3", "5"])
        #expect(page2["next_cursor"]?.isNull == true, "rel=next has results=\"false\": the end, written as null")

        let sent = try stack.fake.vendorRequests(host: "sentry.io")
        #expect(sent.map { $0.query["cursor"] } == [nil, ["0:2:0"]])
        #expect(sent.allSatisfy { $0.headers["authorization"] == "Bearer \(ProviderStack.sentryToken)" })
        let events = try await stack.hub.events()
        #expect(events.allSatisfy { $0.hostname == "sentry.io" && $0.status == .ok })
        #expect(try !everythingVisible([first, second], events).contains(ProviderStack.sentryToken))
    }

    @Test func captureErrorPostsAValidEnvelopeToTheDSNsIngestHost() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsOperator)
        let input = #"{"message":"disk full on db-1","level":"warning","tags":{"service":"db"},"environment":"prod"}"#
        let reply = try await stack.test { client in try await client.call("sentry", "capture.error", input, token: token) }

        #expect(reply.status == .ok, "\(reply.text)")
        let eventId = try #require(try reply.json["event_id"]?.stringValue)
        #expect(eventId.wholeMatch(of: /[0-9a-f]{32}/) != nil)

        let posted = try #require(try stack.fake.vendorRequests(host: "o123.ingest.us.sentry.io").first)
        #expect(posted.method == "POST" && posted.path == "/api/4505/envelope/")
        #expect(posted.headers["content-type"] == "application/x-sentry-envelope")

        // What Sentry's ingest parsed (the fake rejects a malformed envelope or a wrong key with 400/403).
        let received = try #require(try JSONValue.parse(stack.fake.sentryEventsJSON()).arrayValue)
        #expect(received.count == 1)
        let envelope = try #require(received.first)
        #expect(envelope["auth"]?["sentry_key"]?.stringValue == ProviderStack.sentryPublicKey)
        #expect(envelope["auth"]?["sentry_version"] == "7")
        #expect(envelope["auth"]?["sentry_client"]?.stringValue?.hasPrefix("mcp-hub/") == true)
        #expect(envelope["header"]?["event_id"]?.stringValue == eventId)
        #expect(envelope["header"]?["sent_at"]?.stringValue?.hasSuffix("Z") == true)
        let item = try #require(envelope["items"]?.arrayValue?.first)
        #expect(item["header"]?["type"] == "event" && item["header"]?["content_type"] == "application/json")
        #expect(item["header"]?["length"]?.numberValue == Double(item["raw"]?.stringValue?.utf8.count ?? -1))
        #expect(item["payload"]?["message"] == "disk full on db-1")
        #expect(item["payload"]?["level"] == "warning")
        #expect(item["payload"]?["tags"] == ["service": "db"])
        #expect(item["payload"]?["environment"] == "prod")
        #expect(item["payload"]?["event_id"]?.stringValue == eventId)

        // The wire body is three lines: envelope header, item header, event.
        #expect(posted.body.split(separator: "\n").count == 3)

        let events = try await stack.hub.events()
        let event = try #require(events.first)
        #expect(event.hostname == "o123.ingest.us.sentry.io" && event.status == .ok)
        #expect(try !everythingVisible([reply], events).contains(ProviderStack.dsn))
    }

    @Test func healthIsOkWithAValidTokenAndDownWithout() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (healthy, rejected) = try await stack.test { client in
            let healthy = try await client.health("sentry", token: token)
            try stack.fake.setVendorState(#"{"sentry_token":"sntrys_someone_else"}"#)
            return (healthy, try await client.health("sentry", token: token))
        }
        #expect(try healthy.json == ["status": "ok"], "\(healthy.text)")
        // Sentry's index answers 200 with "auth": null for a bad token.
        #expect(try rejected.json == ["status": "down", "error": "sentry: token rejected"], "\(rejected.text)")
    }
}

@Suite("Netdata end to end") struct NetdataEndToEndTests {
    static let room = "/spaces/\(ProviderStack.netdataSpace)/rooms/\(ProviderStack.netdataRoom)"

    @Test func metricsQuerySendsScopeContextsAndReturnsRowsOldestFirst() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in
            try await client.call("netdata", "metrics.query", #"{"context":"system.cpu","points":5}"#, token: token)
        }

        #expect(reply.status == .ok, "\(reply.text)")
        let result = try reply.json
        #expect(result["labels"] == ["time", "user", "system", "iowait"])
        #expect(result["units"] == "percentage")
        let rows = try #require(result["data"]?.arrayValue)
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.arrayValue?.count == 4 })
        let times = rows.compactMap { $0.arrayValue?.first?.numberValue }
        #expect(times == times.sorted() && Set(times).count == 5, "Netdata sends newest first; the tool answers oldest first")

        let sent = try #require(try stack.fake.vendorRequests(host: "app.netdata.cloud").first)
        #expect(sent.method == "POST" && sent.path == "/api/v3\(Self.room)/data")
        #expect(sent.headers["authorization"] == "Bearer \(ProviderStack.netdataToken)")
        let body = try JSONValue.parse(sent.body)
        #expect(body["scope"]?["contexts"] == ["system.cpu"])
        #expect(body["format"] == "json2")
        #expect(body["window"]?["points"] == 5)

        let event = try #require(try await stack.hub.events().first)
        #expect(event.hostname == "app.netdata.cloud" && event.status == .ok)
    }

    @Test func alertsListCountsAndOrdersWorstFirst() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (all, warnings) = try await stack.test { client in
            (try await client.call("netdata", "alerts.list", token: token),
             try await client.call("netdata", "alerts.list", #"{"status":["WARNING"]}"#, token: token))
        }

        #expect(all.status == .ok, "\(all.text)")
        let result = try all.json
        #expect(result["counts"] == ["critical": 1, "warning": 1, "clear": 1])
        let first = try #require(result["alerts"]?.arrayValue?.first)
        #expect(first["name"] == "ram_in_use" && first["status"] == "CRITICAL")
        #expect(first["node"] == "host2", "instances name their node by index")
        #expect(result["max_severity"] == "critical")
        #expect(try warnings.json["alerts"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["10min_cpu_iowait"])
        #expect(try warnings.json["max_severity"] == "medium")

        let events = try await stack.hub.events()
        #expect(Set(events.compactMap(\.severity)) == ["critical", "medium"])
        #expect(events.allSatisfy { $0.hostname == "app.netdata.cloud" })
    }

    @Test func anHTMLNotFoundIsReportedWithoutEchoingTheHTML() async throws {
        let stack = try ProviderStack()
        // Netdata Cloud answers a wrong path with its web app's HTML page.
        try stack.fake.inject(.init(host: "app.netdata.cloud", pathPrefix: "/api/v3/", status: 404, message: "html"))
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in
            try await client.call("netdata", "metrics.query", #"{"context":"system.cpu"}"#, token: token)
        }

        #expect(reply.status == .badGateway, "\(reply.text)")
        let error = try #require(reply.error)
        #expect(error.code == "upstream_error")
        #expect(error.message == "netdata.metrics.query: netdata: 404 (not a Netdata API path)")
        let events = try await stack.hub.events()
        let visible = try everythingVisible([reply], events)
        for fragment in ["<", "doctype", "JavaScript"] { #expect(!visible.contains(fragment), "\(fragment)") }
    }

    @Test func healthIsOkAndDownWhenTheTokenIsRejected() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (healthy, rejected) = try await stack.test { client in
            let healthy = try await client.health("netdata", token: token)
            try stack.fake.setVendorState(#"{"netdata_token":"ndc_someone_else"}"#)
            return (healthy, try await client.health("netdata", token: token))
        }
        #expect(try healthy.json == ["status": "ok"], "\(healthy.text)")
        #expect(try rejected.json == ["status": "down", "error": "netdata: token rejected"], "\(rejected.text)")
    }

    /// Fault 10: a valid token that cannot see the configured space (or room) is `down`: every
    /// tool would fail.
    @Test func healthIsDownWhenTheConfiguredSpaceOrRoomIsInaccessible() async throws {
        let stack = try ProviderStack()
        let token = try await stack.hub.token(.opsViewer)
        let (noSpace, noRoom) = try await stack.test { client in
            try stack.fake.setVendorState(#"{"netdata_space":"6f1b3f2e-0000-4000-8000-00000000ffff"}"#)
            let noSpace = try await client.health("netdata", token: token)
            try stack.fake.setVendorState(
                #"{"netdata_space":"\#(ProviderStack.netdataSpace)","netdata_room":"6f1b3f2e-0000-4000-8000-00000000eeee"}"#)
            return (noSpace, try await client.health("netdata", token: token))
        }
        #expect(try noSpace.json["status"] == "down", "\(noSpace.text)")
        #expect(try noSpace.json["error"]?.stringValue?.contains("space \(ProviderStack.netdataSpace) is not accessible") == true, "\(noSpace.text)")
        #expect(try noRoom.json["status"] == "down", "\(noRoom.text)")
        #expect(try noRoom.json["error"]?.stringValue?.contains("room \(ProviderStack.netdataRoom) is not in space") == true, "\(noRoom.text)")
    }
}

@Suite("Hub behaviour with real providers") struct ProviderRuntimeTests {
    /// Rotation without a restart: the vault changes, the fake accepts only the new key, and the
    /// running hub's calls switch over — and never go back.
    @Test func aRotatedSocketKeyIsUsedWithinFiveSecondsAndTheOldOneNeverAgain() async throws {
        let oldKey = "sktsec_old_key_for_rotation"
        let newKey = "sktsec_new_key_for_rotation"
        let stack = try ProviderStack(secrets: ["socket_api_key": oldKey])
        try stack.fake.setVendorState(#"{"socket_token":"\#(oldKey)"}"#)
        let token = try await stack.hub.token(.opsViewer)

        let (took, replies) = try await stack.test { client in
            var replies = [try await client.call("socket", "findings.list", #"{"limit":1}"#, token: token)]
            #expect(replies[0].status == .ok, "\(replies[0].text)")

            try stack.fake.setVendorState(#"{"socket_token":"\#(newKey)"}"#)
            let rotated = ContinuousClock.now
            try stack.hub.vault.set("socket_api_key", value: newKey)
            var took: Duration?
            while ContinuousClock.now - rotated < .seconds(5) {
                let reply = try await client.call("socket", "findings.list", #"{"limit":1}"#, token: token)
                replies.append(reply)
                if reply.status == .ok {
                    took = ContinuousClock.now - rotated
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            for _ in 0..<5 { replies.append(try await client.call("socket", "findings.list", #"{"limit":1}"#, token: token)) }
            return (took, replies)
        }

        let elapsed = try #require(took, "no call succeeded with the new key within 5 s")
        print("rotation: socket_api_key changed in the vault; first call with the new key after \(elapsed)")
        #expect(elapsed < .seconds(5))
        #expect(replies.suffix(5).allSatisfy { $0.status == .ok })

        let keys = try stack.fake.vendorRequests(host: "api.socket.dev").map { $0.headers["authorization"] ?? "" }
        let switched = try #require(keys.firstIndex(of: "Bearer \(newKey)"))
        #expect(keys[..<switched].allSatisfy { $0 == "Bearer \(oldKey)" })
        #expect(keys[switched...].allSatisfy { $0 == "Bearer \(newKey)" }, "the old key was sent after the new one")
        let visible = try everythingVisible(replies, try await stack.hub.events())
        #expect(!visible.contains(oldKey) && !visible.contains(newKey))
    }

    /// A hanging upstream costs its caller the tool's timeout, not the hub its responsiveness.
    ///
    /// Timings are the hub's own (the audit row's start and duration), not the test's wall clock:
    /// in a full parallel run other suites can hold Swift's cooperative threads for seconds,
    /// which delays when this test sees replies but not what the hub did.
    @Test func aHangingUpstreamIsCutAtTheToolTimeoutWhileOtherCallsAreAnswered() async throws {
        let stack = try ProviderStack(timeoutMs: 2000)
        // The fake holds the answer for 10 s; the tool's timeout_ms is 2000: room for the other call.
        try stack.fake.inject(.init(host: "api.socket.dev", pathPrefix: "/v0/orgs/acme/alerts", status: nil, delayMs: 10_000))
        let token = try await stack.hub.token(.opsViewer)

        let (hung, meanwhile, wallClock) = try await stack.test { client in
            let started = ContinuousClock.now
            async let hung = client.call("socket", "findings.list", token: token)
            // Wait until the slow request is at the fake, so "meanwhile" really is meanwhile.
            while try stack.fake.vendorRequests(host: "api.socket.dev").isEmpty, ContinuousClock.now - started < .seconds(10) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let other = try await client.call("netdata", "alerts.list", token: token)
            return (try await hung, other, ContinuousClock.now - started)
        }

        #expect(hung.status == .gatewayTimeout, "\(hung.text)")
        #expect(hung.error?.code == "timeout")
        #expect(meanwhile.status == .ok, "\(meanwhile.text)")

        let events = try await stack.hub.events()
        let timedOut = try #require(events.first { $0.tool == "findings.list" })
        let other = try #require(events.first { $0.tool == "alerts.list" })
        print("hanging upstream: 504 after \(timedOut.durationMs) ms by the hub's clock (timeout_ms 2000, upstream 10 s); test saw it after \(wallClock)")
        #expect(timedOut.status == .timeout && timedOut.stage == "invoke")
        #expect(timedOut.durationMs >= 2000 && timedOut.durationMs < 5000, "cut at timeout_ms, not after the upstream's 10 s")
        // The other call started after the hung one and finished before it was cut.
        func end(_ event: AuditEvent) -> Date { event.createdAt.addingTimeInterval(Double(event.durationMs) / 1000) }
        #expect(other.status == .ok)
        #expect(other.createdAt >= timedOut.createdAt && end(other) <= end(timedOut))
    }
}
