import Foundation
@testable import HubHost

/// A throwaway database on the local PostgreSQL cluster (started by `.ci/run`, reached over the
/// Unix socket with peer authentication: no password anywhere). Each test gets its own database,
/// so tests run in parallel without seeing each other's rows.
final class TestDatabase: @unchecked Sendable {
    static let clusterConninfo = "host=/var/run/postgresql dbname=postgres"

    let name: String
    let conninfo: String

    /// Creates the database and applies the Supabase stand-ins and then the hub's migrations.
    init(standins: Bool = true, migrations: Bool = true) throws {
        name = "mcp_hub_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        conninfo = "host=/var/run/postgresql dbname=\(name)"
        let admin = try PostgresConnection(conninfo: Self.clusterConninfo)
        try admin.execute("CREATE DATABASE \(name)")
        let connection = try PostgresConnection(conninfo: conninfo)
        if standins { try Self.apply(folder: "infra/sql/standins", on: connection) }
        if migrations { try Self.apply(folder: "infra/sql/migrations", on: connection) }
    }

    func connect() throws -> PostgresConnection { try PostgresConnection(conninfo: conninfo) }

    deinit {
        guard let admin = try? PostgresConnection(conninfo: Self.clusterConninfo) else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Applies every `.sql` file in a repository folder, in name order.
    static func apply(folder: String, on connection: PostgresConnection) throws {
        let directory = RepositoryPaths.root.appendingPathComponent(folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        for file in files {
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try connection.executeScript(sql)
        }
    }
}

/// Where the repository and the build products are, found from this file and the test binary.
enum RepositoryPaths {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // HubHostTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The folder holding the test binary, which is where SwiftPM puts the provider libraries too.
    static let products: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }()

    static func providerLibrary(_ name: String) -> String {
        products.appendingPathComponent("lib\(name)Provider.so").path
    }
}
