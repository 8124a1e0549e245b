import Foundation
import ProviderABI
import Testing
@testable import HubHost

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `mcp-hub` command line through the real binary: what an operator types, what they see,
/// and the exit code a script would check. Serialized: each test starts processes, and in
/// parallel they crowd out the timing-sensitive suites on a small machine.
@Suite(.serialized) struct CLITests {
    static let issuer = "http://127.0.0.1/auth/v1"

    /// A folder with a config file, its own state directory and (once a command creates them)
    /// its own vault and audit database.
    final class Workspace: @unchecked Sendable {
        let directory: URL
        var config: String { directory.appendingPathComponent("provider-config.yaml").path }
        var state: String { directory.appendingPathComponent("state").path }

        init(auth: Bool = true, listen: String = "127.0.0.1:8080", extraProviders: String = "") throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try write(Self.yaml(auth: auth, listen: listen, extraProviders: extraProviders))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        static func yaml(auth: Bool = true, listen: String = "127.0.0.1:8080", extraProviders: String = "") -> String {
            """
            hub:
              listen: \(listen)
              state_dir: state
            \(auth ? "  auth:\n    issuer: \(CLITests.issuer)\n    jwt_secret_key: hub_jwt_secret" : "")
              vault:
                backend: file
              audit:
                store: sqlite
            providers:
            \(ProviderYAML.template())
            \(extraProviders)
            """
        }

        func write(_ text: String) throws { try text.write(toFile: config, atomically: true, encoding: .utf8) }

        func mcpHub(_ arguments: String..., stdin: String? = nil) async throws -> HubCLI.Result {
            // --config belongs to each subcommand, so it goes last.
            try await HubCLI.run(arguments + ["--config", config], stdin: stdin)
        }

        func setSecret(_ name: String, _ value: String) async throws {
            let result = try await mcpHub("secrets", "set", name, stdin: value + "\n")
            guard result.status == 0 else { throw FixtureError("secrets set failed: \(result)") }
        }
    }

    // MARK: secrets

    @Test func secretsRoundTripWithoutEverShowingAValue() async throws {
        let workspace = try Workspace()
        let value = "sk-live-\(UUID().uuidString)"

        let set = try await workspace.mcpHub("secrets", "set", "socket_api_key", stdin: value + "\n")
        #expect(set.status == 0, "\(set)")
        #expect(set.stdout == "stored socket_api_key\n")

        let list = try await workspace.mcpHub("secrets", "list")
        #expect(list.status == 0, "\(list)")
        let line = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("socket_api_key") })
        // The updated time, as the list prints it: a date of this year.
        #expect(line.contains(String(Calendar(identifier: .gregorian).component(.year, from: Date()))), "\(line)")
        #expect(!list.stdout.contains(value) && !list.stderr.contains(value))

        for file in try FileManager.default.contentsOfDirectory(atPath: workspace.state) where file.hasPrefix("vault") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(workspace.state)/\(file)"))
            #expect(bytes.range(of: Data(value.utf8)) == nil, "\(file) holds the value in plaintext")
        }

        let removed = try await workspace.mcpHub("secrets", "rm", "socket_api_key")
        #expect(removed.status == 0 && removed.stdout == "removed socket_api_key\n", "\(removed)")
        #expect(try await workspace.mcpHub("secrets", "list").stdout == "(no secrets)\n")
        let again = try await workspace.mcpHub("secrets", "rm", "socket_api_key")
        #expect(again.status != 0 && again.stderr.contains("no secret named socket_api_key"), "\(again)")
    }

    @Test func aSecretValueIsNeverAcceptedAsAnArgument() async throws {
        let workspace = try Workspace()
        let value = "sk-live-on-the-command-line"
        let refused = try await workspace.mcpHub("secrets", "set", "socket_api_key", value)
        #expect(refused.status != 0, "\(refused)")
        let empty = try await workspace.mcpHub("secrets", "set", "socket_api_key", stdin: "")
        #expect(empty.status != 0 && empty.stderr.contains("no value on standard input"), "\(empty)")
        #expect(!(try await workspace.mcpHub("secrets", "list").stdout.contains("socket_api_key")), "nothing was stored")
    }

    @Test(arguments: ["vault.store", "vault.key"])
    func aGroupReadableStoreOrKeyIsRefused(file: String) async throws {
        let workspace = try Workspace()
        try await workspace.setSecret("socket_api_key", "sk-live-1")
        let path = "\(workspace.state)/\(file)"
        #expect(chmod(path, 0o644) == 0)

        for command in [["secrets", "list"], ["secrets", "rm", "socket_api_key"]] {
            let refused = try await HubCLI.run(command + ["--config", workspace.config])
            #expect(refused.status != 0, "\(refused)")
            #expect(refused.stderr.contains("refusing to open \(path): its mode is 0644"), "\(refused)")
        }
        let set = try await workspace.mcpHub("secrets", "set", "other_key", stdin: "v\n")
        #expect(set.status != 0 && set.stderr.contains("0644"), "\(set)")
        #expect(chmod(path, 0o600) == 0)
        #expect(try await workspace.mcpHub("secrets", "list").stdout.hasPrefix("socket_api_key"), "the refusals changed nothing")
    }

    // MARK: token

    @Test func tokenIssuesAJWTTheHubAccepts() async throws {
        let workspace = try Workspace()
        let secret = String(repeating: "k", count: 24) + UUID().uuidString
        try await workspace.setSecret("hub_jwt_secret", secret)
        let sub = UUID().uuidString  // upper case: the token carries it lower-cased

        let issued = try await workspace.mcpHub("token", "--sub", sub, "--role", "ops_operator", "--ttl", "15m")
        #expect(issued.status == 0, "\(issued)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!token.contains(secret))

        let verifier = TokenVerifier(settings: TokenVerifierSettings(issuer: Self.issuer), hs256Secret: { secret }, jwks: nil)
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(token)")
        #expect(caller.id == sub.lowercased())
        #expect(caller.role == .opsOperator)

        let claims = try JSONValue.parse(Array(try #require(Base64URL.decode(token.split(separator: ".")[1]))))
        let (exp, iat) = (try #require(claims["exp"]?.numberValue), try #require(claims["iat"]?.numberValue))
        #expect(exp - iat == 900, "--ttl 15m")
    }

    @Test func tokenRefusesWhatItCannotSign() async throws {
        let workspace = try Workspace()
        let uuid = UUID().uuidString
        let noSecret = try await workspace.mcpHub("token", "--sub", uuid, "--role", "ops_operator")
        #expect(noSecret.status != 0 && noSecret.stderr.contains("the vault has no 'hub_jwt_secret'"), "\(noSecret)")
        #expect(noSecret.stdout.isEmpty)

        try await workspace.setSecret("hub_jwt_secret", String(repeating: "s", count: 48))
        let cases: [(arguments: [String], message: String)] = [
            (["--sub", uuid, "--role", "ops_root"], "role 'ops_root' is not one of ops_viewer, ops_operator, ops_admin"),
            (["--sub", "not-a-uuid", "--role", "ops_viewer"], "--sub 'not-a-uuid' is not a UUID"),
            (["--sub", uuid, "--role", "ops_viewer", "--ttl", "15x"], "--ttl '15x' is not a duration"),
            (["--sub", uuid, "--role", "ops_viewer", "--ttl", "0m"], "--ttl '0m' is not a duration"),
        ]
        for (arguments, message) in cases {
            let refused = try await HubCLI.run(["token"] + arguments + ["--config", workspace.config])
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused)")
            #expect(refused.stdout.isEmpty, "no token printed for \(arguments)")
        }
    }

    // MARK: serve with a broken config

    /// Each broken config, and the text at which the hub must point.
    static let brokenConfigs: [(name: String, from: String, to: String, points: String)] = [
        ("YAML syntax", "  state_dir: state", "  state_dir: state: twice", ": twice"),
        ("unknown key", "  state_dir: state", "  state_dir: state\n  listn: 127.0.0.1:9", "listn"),
        ("wrong type", "  state_dir: state", "  state_dir: state\n  invoke_pool: { threads: many, queue: 4 }", "many"),
        ("bad rate", "    tools:", "    rate_limits:\n      ops_viewer: { reads: 100/fortnight }\n    tools:", "100/fortnight"),
        ("missing library", "libTemplateProvider.so", "libNoSuchProvider.so", "/"),
    ]

    @Test(arguments: 0..<brokenConfigs.count)
    func serveRefusesABrokenConfigNamingFileLineAndColumn(index: Int) async throws {
        let broken = Self.brokenConfigs[index]
        let workspace = try Workspace()
        let text = Workspace.yaml().replacingOccurrences(of: broken.from, with: broken.to)
        #expect(text != Workspace.yaml())
        try workspace.write(text)
        // The missing library is an absolute path: the position is where that value starts.
        let needle = broken.name == "missing library" ? RepositoryPaths.products.path + "/libNoSuch" : broken.points
        let position = try #require(HubCLI.position(of: needle, in: text, file: workspace.config))

        let served = try await workspace.mcpHub("serve")
        #expect(served.status != 0, "\(broken.name): \(served)")
        #expect(served.stderr.contains("mcp-hub: \(position)"), "\(broken.name): expected \(position) in \(served.stderr)")
    }

    @Test func serveRefusesToRunWithoutAuth() async throws {
        let workspace = try Workspace(auth: false)
        let served = try await workspace.mcpHub("serve")
        #expect(served.status != 0)
        #expect(served.stderr.contains("\(workspace.config): hub.auth is required"), "\(served)")
    }

    // MARK: plugin inspect

    @Test func pluginInspectDescribesAProvider() async throws {
        let library = RepositoryPaths.providerLibrary("Template")
        let result = try await HubCLI.run(["plugin", "inspect", library])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("library:   \(library)"))
        #expect(lines.contains { $0.hasPrefix("abi:       \(HUB_ABI_MAJOR).") })
        #expect(lines.contains { $0.hasPrefix("provider:  template ") })
        #expect(lines.contains { $0.hasPrefix("  echo [reads] ") })
        let schema = try #require(lines.first { $0.hasPrefix("    input schema (valid): ") })
        #expect(schema.contains(#""required":["message"]"#))
    }

    /// Fault 10: the bundled providers refuse empty settings; `--settings` lets them be inspected.
    @Test(arguments: [
        ("Socket", #"{"org_slug":"acme"}"#), ("Sentry", #"{"org_slug":"acme"}"#),
        ("Netdata", #"{"space_id":"6f1b3f2e-0000-4000-8000-000000000001","room_id":"6f1b3f2e-0000-4000-8000-000000000002"}"#),
    ])
    func pluginInspectTakesTheProvidersSettings(_ provider: String, _ settings: String) async throws {
        let library = RepositoryPaths.providerLibrary(provider)
        let refused = try await HubCLI.run(["plugin", "inspect", library])
        #expect(refused.status != 0 && refused.stderr.contains("--settings"), "\(refused)")
        let result = try await HubCLI.run(["plugin", "inspect", library, "--settings", settings])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("provider:  \(provider.lowercased()) "), "\(result.stdout)")
    }

    @Test func pluginInspectNamesWhatANonProviderLacks() async throws {
        let zlib = "/lib/x86_64-linux-gnu/libz.so.1"
        try #require(FileManager.default.fileExists(atPath: zlib))
        let result = try await HubCLI.run(["plugin", "inspect", zlib])
        #expect(result.status == 1)
        #expect(result.stderr == "mcp-hub: \(zlib): the library does not export \(HUB_PROVIDER_ABI_SYMBOL)\n", "\(result)")

        let missing = try await HubCLI.run(["plugin", "inspect", "/nonexistent/libX.so"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/libX.so"), "\(missing)")
    }

    // MARK: events and audit verify

    /// Appends events to the workspace's SQLite audit store, as the hub would.
    static func fillAudit(_ workspace: Workspace, _ events: [AuditEvent]) async throws {
        let config = try ConfigLoader.load(path: workspace.config)
        let store = try AuditStores.open(config.hub.audit)
        for event in events { try await store.append(event) }
        await store.close()
    }

    static func sampleEvents(caller: String, other: String) -> [AuditEvent] {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        return [
            AuditEvent(requestId: "r1", provider: "socket", tool: "scan.repo", callerId: caller, callerRole: "ops_operator",
                       status: .ok, durationMs: 12, severity: "high", createdAt: start),
            AuditEvent(requestId: "r2", provider: "sentry", tool: "issues.list", callerId: other, callerRole: "ops_viewer",
                       status: .denied, stage: "authorize", error: "requires ops_operator", durationMs: 1, createdAt: start + 60),
            AuditEvent(requestId: "r3", provider: "socket", tool: "findings.list", callerId: caller, callerRole: "ops_operator",
                       status: .ok, durationMs: 30, severity: "low", createdAt: start + 120),
        ]
    }

    @Test func eventsListsAndFiltersTheAuditTrail() async throws {
        let workspace = try Workspace()
        let (caller, other) = (UUID().uuidString.lowercased(), UUID().uuidString.lowercased())
        let events = Self.sampleEvents(caller: caller, other: other)
        try await Self.fillAudit(workspace, events)

        let table = try await workspace.mcpHub("events")
        #expect(table.status == 0, "\(table)")
        let rows = table.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 3)
        #expect(rows.first?.contains("socket.findings.list") == true, "newest first")
        #expect(rows.contains { $0.contains("denied") && $0.contains("sentry.issues.list") && $0.contains("requires ops_operator") })

        func ids(_ arguments: String...) async throws -> [String] {
            let result = try await HubCLI.run(["events", "--json"] + arguments + ["--config", workspace.config])
            #expect(result.status == 0, "\(result)")
            return try JSONValue.parse(result.stdout)["events"]?.arrayValue?.compactMap { $0["request_id"]?.stringValue } ?? []
        }
        #expect(try await ids() == ["r3", "r2", "r1"])
        #expect(try await ids("--provider", "socket") == ["r3", "r1"])
        #expect(try await ids("--status", "denied") == ["r2"])
        #expect(try await ids("--caller", other.uppercased()) == ["r2"])
        #expect(try await ids("--severity", "high") == ["r1"])
        #expect(try await ids("--since", "2026-09-21T14:14:00Z") == ["r3", "r2"])  // start + 40 s
        #expect(try await ids("--tool", "scan.repo") == ["r1"])

        let paged = try await workspace.mcpHub("events", "--json", "--limit", "2")
        let page = try JSONValue.parse(paged.stdout)
        #expect(page["events"]?.arrayValue?.count == 2)
        let cursor = try #require(page["next_cursor"]?.stringValue)
        #expect(try await ids("--cursor", cursor) == ["r1"])

        let badFilter = try await workspace.mcpHub("events", "--status", "exploded")
        #expect(badFilter.status != 0 && badFilter.stderr.contains("status 'exploded' is not one of"), "\(badFilter)")
    }

    @Test func auditVerifyPassesAnIntactChainAndNamesTheAlteredRow() async throws {
        let workspace = try Workspace()
        let events = Self.sampleEvents(caller: UUID().uuidString.lowercased(), other: UUID().uuidString.lowercased())
        try await Self.fillAudit(workspace, events)

        let intact = try await workspace.mcpHub("audit", "verify")
        #expect(intact.status == 0, "\(intact)")
        #expect(intact.stdout == "audit chain intact: 3 rows verified\n")

        // Behind the hub's back: drop the append-only trigger, then rewrite row 2's outcome.
        let connection = try SQLiteConnection(path: "\(workspace.state)/audit.sqlite3")
        #expect(throws: (any Error).self, "the trigger refuses updates") {
            try connection.execute("UPDATE run_events SET status = 'ok' WHERE seq = 2")
        }
        try connection.execute("DROP TRIGGER run_events_no_update")
        try connection.execute("UPDATE run_events SET status = 'ok', error = NULL WHERE seq = 2")

        let broken = try await workspace.mcpHub("audit", "verify")
        #expect(broken.status == 2, "\(broken)")
        let altered = events[1].id.uuidString.lowercased()
        #expect(broken.stdout.contains("audit chain broken at seq 2 (id \(altered)): row_hash check failed"), "\(broken)")
        #expect(broken.stdout.hasPrefix("audit chain BROKEN after 1 intact rows: "), "row 1 is intact, row 2 is not: \(broken)")
    }

    /// Fault 7: deleting the newest rows (triggers dropped) leaves a chain that links; the
    /// checkpoint file outside the database still names the head that is gone.
    @Test func auditVerifyCatchesATruncatedTail() async throws {
        let workspace = try Workspace()
        let events = Self.sampleEvents(caller: UUID().uuidString.lowercased(), other: UUID().uuidString.lowercased())
        try await Self.fillAudit(workspace, events)
        let database = "\(workspace.state)/audit.sqlite3"
        let anchors = try String(contentsOfFile: database + ".checkpoints", encoding: .utf8)
        #expect(anchors.split(separator: "\n").last?.hasPrefix("3 ") == true, "the head at close is anchored: \(anchors)")
        let mode = try FileManager.default.attributesOfItem(atPath: database + ".checkpoints")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let connection = try SQLiteConnection(path: database)
        try connection.execute("DROP TRIGGER run_events_no_delete")
        try connection.execute("DELETE FROM run_events WHERE seq >= 2")

        let truncated = try await workspace.mcpHub("audit", "verify")
        #expect(truncated.status == 2, "\(truncated)")
        #expect(truncated.stdout.contains("audit chain broken at seq 3 (id (missing)): checkpoint check failed"), "\(truncated)")
        #expect(truncated.stdout.contains("no row: the chain ends at seq 1"), "\(truncated)")
    }

    /// Fault 10: a key saved with CR LF is stored without either; a CR or LF inside is refused
    /// rather than stored to fail upstream.
    @Test func secretsSetStripsCRLFAndRefusesControlCharacters() async throws {
        let workspace = try Workspace()
        try HubSecrets.set(configPath: workspace.config, name: "socket_api_key", value: Data("sktsec_abc\r\n".utf8))
        let backend = try SecretStores.backend(for: try ConfigLoader.load(path: workspace.config).hub.vault)
        #expect(try backend.read("socket_api_key")?.value == "sktsec_abc")
        #expect(throws: CommandFailure.self) {
            try HubSecrets.set(configPath: workspace.config, name: "socket_api_key", value: Data("sktsec\rabc\n".utf8))
        }
        #expect(try backend.read("socket_api_key")?.value == "sktsec_abc", "the refused value changed nothing")
    }

    // MARK: end to end

    @Test func serveAnswersHealthAndToolCallsAndStopsCleanlyOnSIGTERM() async throws {
        let workspace = try Workspace(listen: "127.0.0.1:0")
        try await workspace.setSecret("hub_jwt_secret", String(repeating: "e", count: 16) + UUID().uuidString)
        let token = try await workspace.mcpHub("token", "--sub", UUID().uuidString, "--role", "ops_viewer")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let hub = try ServingHub(config: workspace.config)
        let port = try await hub.boundPort()
        let base = "http://127.0.0.1:\(port)"

        let (healthBody, health) = try await URLSession.shared.data(from: URL(string: "\(base)/healthz")!)
        #expect((health as? HTTPURLResponse)?.statusCode == 200)
        let status = try JSONValue.parse(Array(healthBody))
        #expect(status["status"] == "ok" && status["providers_loaded"] == 1)

        var call = URLRequest(url: URL(string: "\(base)/providers/template/echo")!)
        call.httpMethod = "POST"
        call.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        call.setValue("application/json", forHTTPHeaderField: "Content-Type")
        call.httpBody = Data(#"{"message":"from curl's cousin"}"#.utf8)
        let (body, response) = try await URLSession.shared.data(for: call)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        #expect(try JSONValue.parse(Array(body)) == ["greeting": "hello", "message": "from curl's cousin"])

        call.setValue(nil, forHTTPHeaderField: "Authorization")
        let (_, unauthenticated) = try await URLSession.shared.data(for: call)
        #expect((unauthenticated as? HTTPURLResponse)?.statusCode == 401)

        let exit = try #require(try await hub.terminate(), "mcp-hub serve did not exit after SIGTERM:\n\(hub.output)")
        #expect(exit.reason == .exit && exit.status == 0, "\(hub.output)")

        // Both calls were recorded, and the chain the server wrote verifies.
        let verify = try await workspace.mcpHub("audit", "verify")
        #expect(verify.status == 0 && verify.stdout == "audit chain intact: 2 rows verified\n", "\(verify)")
    }
}

/// Reloading needs no HTTP call: SIGHUP reloads, and the reload is in the audit trail as the
/// hub's own (channel system).
@Suite struct HangupReloadTests {
    @Test func sighupReloadsIntoANewGenerationAndIsAudited() async throws {
        let workspace = try CLITests.Workspace(listen: "127.0.0.1:0")
        try await workspace.setSecret("hub_jwt_secret", String(repeating: "h", count: 16) + UUID().uuidString)
        let hub = try ServingHub(config: workspace.config)
        let port = try await hub.boundPort()
        let healthz = URL(string: "http://127.0.0.1:\(port)/healthz")!
        func generation() async throws -> Double? {
            let (body, _) = try await URLSession.shared.data(from: healthz)
            return try JSONValue.parse(Array(body))["generation"]?.numberValue
        }
        #expect(try await generation() == 1)
        hub.hangUp()
        var reached = false
        for _ in 0..<600 where !reached {
            reached = try await generation() == 2
            if !reached { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(reached, "no new generation after SIGHUP:\n\(hub.output)")
        let exit = try #require(try await hub.terminate(), "mcp-hub serve did not exit after SIGTERM:\n\(hub.output)")
        #expect(exit.reason == .exit && exit.status == 0, "\(hub.output)")
        let events = try await workspace.mcpHub("events", "--provider", "hub", "--json")
        #expect(events.stdout.contains("\"reload\""), "\(events)")
        #expect(events.stdout.contains("system"), "\(events)")
        #expect(events.stdout.contains("SIGHUP"), "the event says what triggered the reload: \(events)")
    }
}

/// Admins drop in a provider: its `.so` and a `providers.d/` fragment. No HTTP call, no restart:
/// the running hub sees the files and reloads; a truncated library is refused and the previous
/// generation keeps serving.
@Suite struct DropInProviderTests {
    @Test func aDroppedInProviderBecomesCallableAndATruncatedLibraryIsRefused() async throws {
        let workspace = try CLITests.Workspace(listen: "127.0.0.1:0")
        try await workspace.setSecret("hub_jwt_secret", String(repeating: "d", count: 16) + UUID().uuidString)
        try await workspace.setSecret("cfixture_token", "x")
        let token = try await workspace.mcpHub("token", "--sub", UUID().uuidString, "--role", "ops_viewer")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let hub = try ServingHub(config: workspace.config)
        let base = "http://127.0.0.1:\(try await hub.boundPort())"
        func add() async throws -> Int {
            var call = URLRequest(url: URL(string: "\(base)/providers/cfixture/add")!)
            call.httpMethod = "POST"
            call.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            call.httpBody = Data(#"{"a":1,"b":2}"#.utf8)
            return (try await URLSession.shared.data(for: call).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await add() == 404)

        // Drop the library in place, then the fragment that names it (as an admin would).
        let dropIn = workspace.directory.appendingPathComponent("providers.d")
        try FileManager.default.createDirectory(at: dropIn, withIntermediateDirectories: true)
        let library = dropIn.appendingPathComponent("libcfixture.so").path
        try FileManager.default.copyItem(atPath: try CFixtures.library(.working), toPath: library)
        let dropped = ContinuousClock.now
        try """
            cfixture:
              library: libcfixture.so
              vault_key: cfixture_token
              tools:
                - { name: add, min_role: ops_viewer, timeout_ms: 2000 }
            """.write(to: dropIn.appendingPathComponent("cfixture.yaml"), atomically: true, encoding: .utf8)
        var status = 0
        for _ in 0..<600 where status != 200 {
            status = try await add()
            if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == 200, "the dropped-in provider never became callable:\n\(hub.output)")
        print("drop-in: provider callable \(ContinuousClock.now - dropped) after its fragment landed (debounce 250 ms)")

        // A half-copied library: refused before dlopen; the provider keeps serving its last build.
        let whole = try Data(contentsOf: URL(fileURLWithPath: library))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: library))
        var refused = false
        for _ in 0..<600 where !refused {
            refused = hub.output.contains("is not complete yet") || hub.output.contains("truncated")
            if !refused { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(refused, "\(hub.output)")
        #expect(try await add() == 200)
        _ = try await hub.terminate()
        // Each reload is an audit event that says what triggered it and which tools came and went.
        let events = try await workspace.mcpHub("events", "--provider", "hub", "--tool", "reload", "--json")
        #expect(events.stdout.contains("file change"), "\(events)")
        #expect(events.stdout.contains("tools_added") && events.stdout.contains("cfixture.add"), "\(events)")
    }
}

/// Fault 17: `mcp-hub --version` answers.
@Suite struct VersionFlagTests {
    @Test func versionPrintsTheHubVersion() async throws {
        let result = try await HubCLI.run(["--version"])
        #expect(result.status == 0 && result.stdout.contains(HubVersion.current), "\(result)")
    }
}
