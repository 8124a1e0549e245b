import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import HubHost

/// Fault 6: reading the trail on PostgreSQL as the local operator, and what a reader is told
/// while PostgreSQL is down.
@Suite struct AuditReadingTests {
    /// `mcp-hub events` reads as the local operator, who has no caller id: on PostgreSQL that
    /// used to be `caller_id "" is not a uuid`, with and without `--caller`.
    @Test func eventsReadsPostgresAsTheLocalOperator() async throws {
        let database = try TestDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-pg-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("provider-config.yaml").path
        try """
            hub:
              state_dir: state
              audit:
                store: postgres
                conninfo: "\(database.conninfo)"
            providers:
            \(ProviderYAML.template())
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let caller = UUID().uuidString.lowercased()
        let store = try AuditStores.open(try ConfigLoader.load(path: config).hub.audit)
        try await store.append(AuditFixtures.event(caller: caller, request: "pg-r1"))
        try await store.append(AuditFixtures.event(caller: UUID().uuidString.lowercased(), request: "pg-r2"))
        await store.close()

        let all = try await HubEvents.list(configPath: config, filters: EventFilters(), json: true)
        #expect(try JSONValue.parse(all)["events"]?.arrayValue?.count == 2)
        let mine = try await HubEvents.list(configPath: config, filters: EventFilters(caller: caller), json: true)
        #expect(try JSONValue.parse(mine)["events"]?.arrayValue?.compactMap { $0["request_id"]?.stringValue } == ["pg-r1"])
    }

    /// PostgreSQL unreachable: calls go on (spooled), `GET /events` is 503 with Retry-After (not
    /// 500), and `/healthz` says degraded with the spool depth.
    @Test func whilePostgresIsDownEventsAre503AndHealthzIsDegradedWithTheSpoolDepth() async throws {
        let hub = try HubHTTPTests.hub()
        let spool = hub.directory.appendingPathComponent("pg-spool").path
        let down = try PostgresAuditStore(
            conninfo: "host=127.0.0.1 port=1 dbname=hub connect_timeout=1", spoolDirectory: spool)
        let runtime = HubRuntime(
            config: hub.config, services: HubServices(secrets: hub.secrets, egress: hub.config.hub.egress),
            authenticator: hub.runtime.authenticator, audit: down)
        let token = try await hub.token(.opsAdmin)
        try await HubApplication.make(runtime).test(.router) { client in
            let call = try await client.execute(
                uri: "/providers/template/echo", method: .post, headers: HubHTTPTests.headers(token),
                body: .init(string: #"{"message":"spooled"}"#))
            #expect(call.status == .ok, "calls continue while events spool")

            let events = try await client.execute(uri: "/events", method: .get, headers: HubHTTPTests.headers(token))
            #expect(events.status == .serviceUnavailable, "\(String(buffer: events.body))")
            #expect(events.headers[.retryAfter] != nil)
            #expect(try JSONValue.parse(String(buffer: events.body))["error"]?["code"] == "unavailable")

            let health = try JSONValue.parse(String(buffer: try await client.execute(uri: "/healthz", method: .get).body))
            #expect(health["status"] == "degraded")
            #expect((health["audit_spool_depth"]?.numberValue ?? 0) >= 1, "\(health)")
        }
        await runtime.shutdown()
    }

    /// Fault 7 on PostgreSQL: the checkpoint file next to the spool anchors the head.
    @Test func postgresVerifyCatchesDeletedNewestRows() async throws {
        let database = try TestDatabase()
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-pg-anchor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: spool) }
        let store = try PostgresAuditStore(conninfo: database.conninfo, spoolDirectory: spool.path)
        for index in 0..<3 {
            try await store.append(AuditFixtures.event(caller: UUID().uuidString.lowercased(), request: "anchor-\(index)"))
        }
        #expect(try await store.verify().isIntact)
        let anchored = try #require(store.checkpoints.recorded().first)

        let connection = try database.connect()
        try connection.execute("ALTER TABLE ops.run_events DISABLE TRIGGER USER")
        try connection.execute("DELETE FROM ops.run_events WHERE seq >= \(anchored.seq)")
        try connection.execute("ALTER TABLE ops.run_events ENABLE TRIGGER USER")

        let report = try await store.verify()
        #expect(report.firstBreak?.check == .checkpoint, "\(report)")
        #expect(report.firstBreak?.seq == anchored.seq)
        await store.close()
    }
}
