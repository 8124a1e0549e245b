import Foundation
import Testing
@testable import HubHost

@Suite("SQLite audit store")
struct SQLiteAuditStoreTests {
    /// A store on a fresh file; closed and removed after `body`.
    private func withStore(capBytes: Int = AuditResultCap.defaultBytes, _ body: (SQLiteAuditStore) async throws -> Void) async throws {
        let directory = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteAuditStore(path: directory.appendingPathComponent("audit.sqlite").path, resultCapBytes: capBytes)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test func everyOutcomeStoredOnce() async throws { try await withStore { try await AuditStoreContract.everyOutcomeStoredOnce($0) } }
    @Test func resultCap() async throws { try await withStore(capBytes: 512) { try await AuditStoreContract.resultCap($0, capBytes: 512) } }
    @Test func visibility() async throws { try await withStore { try await AuditStoreContract.visibility($0) } }
    @Test func pagination() async throws { try await withStore { try await AuditStoreContract.pagination($0) } }
    @Test func groupCommit() async throws { try await withStore { try await AuditStoreContract.groupCommit($0, perAppender: 50) } }
    @Test func rejectsMalformedEvents() async throws { try await withStore { try await AuditStoreContract.rejectsMalformedEvents($0) } }

    @Test func walAndFullSync() async throws {
        try await withStore { store in
            let connection = try SQLiteConnection(path: store.path)
            let mode = try connection.prepare("PRAGMA journal_mode")
            #expect(try mode.step() && mode.text(0) == "wal")
        }
    }

    @Test func triggersRefuseUpdateAndDelete() async throws {
        try await withStore { store in
            try await store.append(AuditFixtures.event(caller: AuditFixtures.alice))
            let connection = try SQLiteConnection(path: store.path)
            #expect(throws: SQLiteError.self) { try connection.execute("UPDATE run_events SET error = 'x'") }
            do {
                try connection.execute("UPDATE run_events SET error = 'x'")
            } catch let error as SQLiteError {
                #expect(error.message == "ops.run_events is append-only: UPDATE denied")
            }
            do {
                try connection.execute("DELETE FROM run_events")
                Issue.record("DELETE was allowed")
            } catch let error as SQLiteError {
                #expect(error.message == "ops.run_events is append-only: DELETE denied")
            }
            #expect(try await store.verify() == ChainReport(rows: 1, firstBreak: nil))
        }
    }

    @Test func verifyCatchesARowAlteredBehindTheHubsBack() async throws {
        try await withStore { store in
            let events = (0..<5).map { AuditFixtures.event(caller: AuditFixtures.alice, at: AuditFixtures.base.addingTimeInterval(Double($0))) }
            for event in events { try await store.append(event) }
            let tamperer = try SQLiteConnection(path: store.path)
            try tamperer.execute("DROP TRIGGER run_events_no_update")
            try tamperer.execute("UPDATE run_events SET error = 'nothing happened here' WHERE seq = 3")
            let report = try await store.verify()
            let broken = try #require(report.firstBreak)
            #expect(broken.seq == 3)
            #expect(broken.id == events[2].id.uuidString.lowercased())
            #expect(broken.check == .rowHash)
            #expect(report.rows == 3)
            #expect(broken.description.contains("seq 3"))
        }
    }

    @Test func verifyCatchesADeletedRow() async throws {
        try await withStore { store in
            for index in 0..<4 { try await store.append(AuditFixtures.event(caller: AuditFixtures.bob, request: "r\(index)")) }
            let tamperer = try SQLiteConnection(path: store.path)
            try tamperer.execute("DROP TRIGGER run_events_no_delete; DELETE FROM run_events WHERE seq = 2")
            let broken = try #require(try await store.verify().firstBreak)
            #expect(broken.seq == 3 && broken.check == .sequence)
        }
    }

    @Test func chainContinuesAcrossReopen() async throws {
        let directory = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("audit.sqlite").path
        for round in 0..<3 {
            let store = try SQLiteAuditStore(path: path)
            for index in 0..<5 { try await store.append(AuditFixtures.event(caller: AuditFixtures.alice, request: "\(round)-\(index)")) }
            #expect(try await store.verify() == ChainReport(rows: 5 * (round + 1), firstBreak: nil))
            await store.close()
        }
    }

    @Test func appendAfterCloseFails() async throws {
        let directory = try AuditFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteAuditStore(path: directory.appendingPathComponent("audit.sqlite").path)
        await store.close()
        await #expect(throws: AuditStoreError.closed) { try await store.append(AuditFixtures.event(caller: nil)) }
    }
}

/// Fault 16: the audit database and its -wal/-shm are 0600 even in a 0755 folder under a 022 umask.
@Suite struct AuditFileModeTests {
    @Test func theDatabaseAndItsWALAndSHMAre0600() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("audit.sqlite3").path
        let store = try SQLiteAuditStore(path: path)
        try await store.append(AuditFixtures.event(caller: UUID().uuidString.lowercased()))
        for file in [path, path + "-wal", path + "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == 0o600, "\(file) is \(String(mode, radix: 8))")
        }
        await store.close()
    }
}
