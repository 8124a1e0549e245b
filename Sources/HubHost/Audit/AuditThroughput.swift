import Foundation

/// A small, test-free measurement of durable append throughput: `appenders` concurrent tasks each
/// append `eventsPerAppender` events and wait for each to be durable, as request handlers do.
/// For the bench executable (`hub-bench`), not for CI assertions: figures depend on the disk.
enum AuditThroughput {
    struct Measurement: Sendable, CustomStringConvertible {
        var store: String
        var appenders: Int
        var events: Int
        var seconds: Double

        var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

        var description: String {
            String(format: "%@: %d events from %d appenders in %.2f s = %.0f events/s durable",
                   store, events, appenders, seconds, eventsPerSecond)
        }
    }

    /// Measures `store`; the caller creates and closes it.
    static func measure(
        _ store: any AuditStore, named name: String, appenders: Int = 64, eventsPerAppender: Int = 200
    ) async throws -> Measurement {
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    for index in 0..<eventsPerAppender {
                        try await store.append(sampleEvent(appender: appender, index: index))
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measurement(store: name, appenders: appenders, events: appenders * eventsPerAppender, seconds: seconds)
    }

    /// A fresh SQLite file in a temporary directory, removed afterwards.
    static func measureSQLite(appenders: Int = 64, eventsPerAppender: Int = 200) async throws -> Measurement {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteAuditStore(path: directory.appendingPathComponent("audit.sqlite").path)
        do {
            let result = try await measure(store, named: "sqlite", appenders: appenders, eventsPerAppender: eventsPerAppender)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A database that already has the migration applied (its rows stay: this appends real events).
    static func measurePostgres(conninfo: String, appenders: Int = 64, eventsPerAppender: Int = 200) async throws -> Measurement {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-bench-spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try PostgresAuditStore(conninfo: conninfo, spoolDirectory: directory.path)
        do {
            let result = try await measure(store, named: "postgresql", appenders: appenders, eventsPerAppender: eventsPerAppender)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A typical successful call: small payload, small result.
    static func sampleEvent(appender: Int, index: Int) -> AuditEvent {
        AuditEvent(
            requestId: "bench-\(appender)-\(index)",
            provider: "socket",
            tool: "findings.list",
            callerId: "00000000-0000-4000-8000-\(String(format: "%012d", appender))",
            callerRole: "ops_viewer",
            status: .ok,
            stage: "invoke",
            payload: #"{"repo":"acme/api","limit":20}"#,
            result: #"{"findings":[{"id":"f-\#(index)","severity":"high"}]}"#,
            durationMs: 12,
            hostname: "api.socket.dev",
            severity: "high"
        )
    }
}
