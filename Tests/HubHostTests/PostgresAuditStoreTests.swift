import Foundation
import Testing
@testable import HubHost

/// Against the local PostgreSQL 15 cluster, one fresh database per test. Serialized: the fault
/// test stops and restarts the whole cluster, which would break any test running beside it.
@Suite("PostgreSQL audit store", .serialized)
struct PostgresAuditStoreTests {
    /// A migrated database and a store on it (with its own spool directory); torn down after `body`.
    private func withStore(
        capBytes: Int = AuditResultCap.defaultBytes,
        _ body: (PostgresAuditStore, TestDatabase) async throws -> Void
    ) async throws {
        let database = try TestDatabase()
        let spool = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        let store = try PostgresAuditStore(conninfo: database.conninfo, spoolDirectory: spool.path, resultCapBytes: capBytes)
        do {
            try await body(store, database)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        withExtendedLifetime(database) {}
    }

    @Test func everyOutcomeStoredOnce() async throws { try await withStore { store, _ in try await AuditStoreContract.everyOutcomeStoredOnce(store) } }
    @Test func resultCap() async throws { try await withStore(capBytes: 512) { store, _ in try await AuditStoreContract.resultCap(store, capBytes: 512) } }
    @Test func pagination() async throws { try await withStore { store, _ in try await AuditStoreContract.pagination(store) } }
    @Test func groupCommit() async throws { try await withStore { store, _ in try await AuditStoreContract.groupCommit(store, perAppender: 50) } }
    @Test func rejectsMalformedEvents() async throws { try await withStore { store, _ in try await AuditStoreContract.rejectsMalformedEvents(store) } }

    /// Row-level security, enforced by the database (the store adds no caller filter of its own).
    @Test func rowLevelSecurity() async throws {
        try await withStore { store, database in
            try await AuditStoreContract.visibility(store)
            // Straight at the database: as `authenticated` with Alice's claims, only her rows exist.
            let connection = try database.connect()
            let claims = #"{"sub":"\#(AuditFixtures.alice)","role":"authenticated","app_metadata":{"ops_role":"ops_viewer"}}"#
            let visible = try connection.transaction { connection throws(PostgresError) in
                try connection.execute("set local role authenticated")
                try connection.execute("select set_config('request.jwt.claims', $1, true)", [claims])
                return try connection.execute("select count(*) filter (where caller_id is distinct from $1::uuid) as others, count(*) as total from ops.run_events", [AuditFixtures.alice])
            }
            #expect(visible[0, "others"] == "0")
            #expect(visible[0, "total"] == "2")
            // And `authenticated` may not write at all.
            #expect(throws: PostgresError.self) {
                try connection.transaction { connection throws(PostgresError) in
                    try connection.execute("set local role authenticated")
                    try connection.execute("insert into ops.run_events (seq, request_id, provider, tool, caller_role, status, prev_hash, row_hash) values (99, 'x', 'p', 't', 'r', 'ok', repeat('0', 64), repeat('0', 64))")
                }
            }
        }
    }

    @Test func refusesUpdateDeleteAndTruncateEvenForTheSuperuser() async throws {
        try await withStore { store, database in
            try await store.append(AuditFixtures.event(caller: AuditFixtures.alice))
            let connection = try database.connect()  // `root`: superuser and table owner
            for (sql, operation) in [
                ("update ops.run_events set error = 'x'", "UPDATE"),
                ("delete from ops.run_events", "DELETE"),
                ("truncate ops.run_events", "TRUNCATE"),
            ] {
                do {
                    try connection.execute(sql)
                    Issue.record("\(operation) was allowed")
                } catch let error as PostgresError {
                    #expect(error.message == "ops.run_events is append-only: \(operation) denied")
                }
            }
            #expect(try await store.verify() == ChainReport(rows: 1, firstBreak: nil))
        }
    }

    @Test func verifyCatchesARowAlteredBehindTheHubsBack() async throws {
        try await withStore { store, database in
            let events = (0..<6).map { AuditFixtures.event(caller: AuditFixtures.bob, at: AuditFixtures.base.addingTimeInterval(Double($0))) }
            for event in events { try await store.append(event) }
            let connection = try database.connect()
            try connection.executeScript("""
                alter table ops.run_events disable trigger all;
                update ops.run_events set result = '{"ok": false}' where seq = 4;
                alter table ops.run_events enable trigger all;
                """)
            let report = try await store.verify()
            let broken = try #require(report.firstBreak)
            #expect(broken.seq == 4)
            #expect(broken.id == events[3].id.uuidString.lowercased())
            #expect(broken.check == .rowHash)
            #expect(report.rows == 4)
        }
    }

    @Test func missingSchemaNamesTheMigration() throws {
        let database = try TestDatabase(migrations: false)
        let spool = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        do {
            _ = try PostgresAuditStore(conninfo: database.conninfo, spoolDirectory: spool.path)
            Issue.record("store opened without its table")
        } catch let error as AuditStoreError {
            #expect(error.description.contains("infra/sql/migrations/") && error.description.contains("001_ops_run_events.sql"))
            #expect(error.description.contains("ops.run_events does not exist"))
        }
    }

    /// Events spooled while PostgreSQL was unreachable are forwarded, once, by the next store.
    @Test func spoolLeftByAnEarlierRunIsForwarded() async throws {
        let database = try TestDatabase()
        let spool = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        let unreachable = try PostgresAuditStore(conninfo: "host=/nonexistent-audit-socket-dir dbname=nowhere", spoolDirectory: spool.path)
        let events = (0..<25).map { AuditFixtures.event(caller: AuditFixtures.alice, request: "spooled-\($0)") }
        for event in events { try await unreachable.append(event) }
        #expect(unreachable.spoolBacklog == 25)
        await unreachable.close()

        let store = try PostgresAuditStore(conninfo: database.conninfo, spoolDirectory: spool.path)
        try await Self.waitUntil(seconds: 30) { store.spoolBacklog == 0 }
        try await store.append(AuditFixtures.event(caller: AuditFixtures.alice, request: "after"))
        let stored = try await AuditFixtures.all(store, as: AuditFixtures.adminViewer).sorted { $0.seq < $1.seq }
        #expect(stored.map(\.event.id) == events.map(\.id) + [stored.last!.event.id])
        #expect(try await store.verify() == ChainReport(rows: 26, firstBreak: nil))
        await store.close()
        withExtendedLifetime(database) {}
    }

    /// The fault test: the cluster stops while appends run; appends keep succeeding (spooled);
    /// after the restart every event is in PostgreSQL exactly once and the chain verifies.
    @Test(.timeLimit(.minutes(5))) func clusterStopMidStreamLosesAndDuplicatesNothing() async throws {
        let database = try TestDatabase()
        let spool = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: spool) }
        defer { PostgresCluster.start() }  // whatever happens, leave the cluster running
        let store = try PostgresAuditStore(conninfo: database.conninfo, spoolDirectory: spool.path)

        let appending = Task {
            try await withThrowingTaskGroup(of: [UUID].self) { group in
                let deadline = Date().addingTimeInterval(8)
                for appender in 0..<8 {
                    group.addTask {
                        var ids: [UUID] = []
                        var index = 0
                        while Date() < deadline {
                            let event = AuditThroughput.sampleEvent(appender: appender, index: index)
                            try await store.append(event)
                            ids.append(event.id)
                            index += 1
                            try await Task.sleep(for: .milliseconds(2))
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
        try await Task.sleep(for: .seconds(2))
        PostgresCluster.stop()
        try await Task.sleep(for: .seconds(3))
        let spooledWhileDown = store.spoolBacklog
        PostgresCluster.start()
        let sent = try await appending.value
        #expect(spooledWhileDown > 0, "nothing was spooled while the cluster was down")

        try await Self.waitUntil(seconds: 90) { store.spoolBacklog == 0 }
        let connection = try database.connect()
        let counts = try connection.execute("select count(*) as total, count(distinct id) as distinct_ids from ops.run_events")
        #expect(counts[0, "total"] == String(sent.count))
        #expect(counts[0, "distinct_ids"] == String(sent.count))
        let stored = Set(try connection.execute("select id::text from ops.run_events").rows.compactMap { $0[0] })
        #expect(stored == Set(sent.map { $0.uuidString.lowercased() }))
        #expect(try await store.verify() == ChainReport(rows: sent.count, firstBreak: nil))
        await store.close()
        withExtendedLifetime(database) {}
    }

    static func waitUntil(seconds: Double, _ condition: @Sendable () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else {
                Issue.record("condition not met within \(seconds) s")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The local cluster, stopped and started with Debian's pg_ctlcluster (the tests run as root).
enum PostgresCluster {
    static func stop() { run(["15", "main", "stop", "-m", "fast"]) }

    /// Starts the cluster and waits until it accepts connections; harmless when already running.
    static func start() {
        run(["15", "main", "start"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? PostgresConnection(conninfo: TestDatabase.clusterConninfo)) != nil { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// posix_spawn + waitpid rather than Foundation's Process, whose waitUntilExit can miss the
    /// exit of a child that leaves a daemon behind (pg_ctlcluster start) and hang.
    private static func run(_ arguments: [String]) {
        let argv = (["/usr/bin/pg_ctlcluster"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/pg_ctlcluster", &actions, nil, argv, environ) == 0 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
