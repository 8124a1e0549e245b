import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HubHost

/// Story 2: health answers `down`, with the reason, within its own bound whatever the upstream
/// does; the hub probes on its own and audits changes of state, not every probe.
@Suite struct HealthProbeTests {
    /// The health tool's timeout_ms is 10 s (as shipped) and the upstream holds its answer for
    /// 20 s; the probe bound (hub.health.timeout_ms, 3000 by default) decides, not either of them.
    @Test func aHangingUpstreamIsReportedDownWithinTheProbeBoundNotTimedOut() async throws {
        let stack = try ProviderStack(timeoutMs: 10_000)
        try stack.fake.inject(.init(host: "api.socket.dev", pathPrefix: "/v0/quota", status: nil, delayMs: 20_000))
        let token = try await stack.hub.token(.opsViewer)
        let reply = try await stack.test { client in try await client.health("socket", token: token) }

        #expect(reply.status == .ok, "health reports, it does not fail: \(reply.text)")
        #expect(try reply.json["status"] == "down")
        let reason = try #require(try reply.json["error"]?.stringValue)
        // Two clocks end at the same bound: the probe's cut-off ("no answer within 3000 ms") and
        // the egress deadline it hands the provider ("did not answer in time"); either may win.
        #expect(reason.contains("no answer within 3000 ms") || reason.contains("did not answer in time"), "\(reason)")

        let event = try #require(try await stack.hub.events().first { $0.tool == "health" })
        print("hanging upstream: health answered down after \(event.durationMs) ms by the hub's clock (bound 3000 ms, tool timeout 10000 ms)")
        #expect(event.status == .ok && event.provider == "socket")
        #expect(event.hostname == "api.socket.dev", "the probe reached the upstream before it was cut")
    }

    /// Callers asking at once share one probe: the upstream sees one request, not one per caller.
    @Test func concurrentHealthCallsShareOneProbe() async throws {
        let stack = try ProviderStack()
        try stack.fake.inject(.init(host: "api.socket.dev", pathPrefix: "/v0/quota", status: nil, delayMs: 500))
        let token = try await stack.hub.token(.opsViewer)
        let replies = try await stack.test { client in
            try await withThrowingTaskGroup(of: HubReply.self) { group in
                for _ in 0..<5 { group.addTask { try await client.health("socket", token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(replies.allSatisfy { $0.status == .ok })
        // Five callers, and at most two probes (a caller arriving after the first finished starts
        // another); never five.
        let probes = try stack.fake.vendorRequests(host: "api.socket.dev").filter { $0.path == "/v0/quota" }.count
        #expect(probes >= 1 && probes < 5, "\(probes) upstream requests for 5 concurrent health calls")
    }

    /// The background prober notices a change with no caller asking, audits it as the hub
    /// (`provider: hub`, `tool: health.socket`, channel `system`, no caller), and records a
    /// change — not every probe.
    @Test func theProberAuditsChangesOfStateNotEveryProbe() async throws {
        let stack = try ProviderStack(hubExtra: "  health: { interval_ms: 100, timeout_ms: 2000 }")
        try stack.fake.setVendorState(#"{"socket_token":"sktsec_someone_else"}"#)

        let down = try await waitForEvent(stack.hub) { $0.tool == "health.socket" && $0.status == .error }
        #expect(down.provider == "hub" && down.channel == .system)
        #expect(down.callerId == nil && down.callerRole == "system")
        #expect(down.error?.contains("socket: unknown → down: socket: token rejected") == true, "\(down.error ?? "")")

        // Several more probes see the same state: still one event.
        let seen = try probes(stack)
        try await eventually { try probes(stack) >= seen + 3 }
        #expect(try await stack.hub.events().filter { $0.tool == "health.socket" }.count == 1)

        try stack.fake.setVendorState(#"{"socket_token":"\#(ProviderStack.socketKey)"}"#)
        let up = try await waitForEvent(stack.hub) { $0.tool == "health.socket" && $0.status == .ok }
        #expect(up.channel == .system)
        #expect(try await stack.hub.events().filter { $0.tool == "health.socket" }.count == 2)
        #expect(!(try await stack.hub.events().contains { $0.tool == "health.sentry" || $0.tool == "health.netdata" }),
                "healthy from the first probe on: nothing changed, nothing audited")
    }

    private func probes(_ stack: ProviderStack) throws -> Int {
        try stack.fake.vendorRequests(host: "api.socket.dev").filter { $0.path == "/v0/quota" }.count
    }
}

/// Waits (at most `limit`) for an audit event matching `predicate`, newest first.
func waitForEvent(
    _ hub: TestHub, limit: Duration = .seconds(30), _ predicate: @escaping (AuditEvent) -> Bool
) async throws -> AuditEvent {
    var found: AuditEvent?
    try await eventually(limit: limit) {
        found = try await hub.events().first(where: predicate)
        return found != nil
    }
    return try #require(found)
}

/// Polls `condition` every 20 ms until it holds; fails the test after `limit` (a stall guard,
/// not a timing assertion).
func eventually(limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let end = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < end else {
            Issue.record("condition not met within \(limit)")
            throw FixtureError("condition not met within \(limit)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
