import Foundation
import Testing

@testable import HubHost

/// A throwaway directory holding a config file and the provider libraries it names.
private final class ConfigFixture {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `contents` at `relativePath` inside the fixture and returns the absolute path.
    @discardableResult
    func write(_ relativePath: String, _ contents: String = "") throws -> String {
        let path = "\(directory)/\(relativePath)"
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func load(_ yaml: String) throws -> HubConfig {
        try ConfigLoader.load(path: write("provider-config.yaml", yaml))
    }
}

/// The error `yaml` produces, parsed as if it were the repository's config file.
private func configError(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
    #expect(throws: ConfigError.self, sourceLocation: sourceLocation) {
        try ConfigLoader.parse(yaml, path: "infra/mcp/provider-config.yaml")
    }
}

private let file = "infra/mcp/provider-config.yaml"

@Suite("Config")
struct ConfigTests {
    // MARK: The PRD example

    /// The PRD's `provider-config.yaml`, with the `library:` lines the hub needs for enabled providers.
    static let prdExample = """
        # infra/mcp/provider-config.yaml
        providers:
          socket:
            enabled: true
            library: plugins/libSocketProvider.so
            vault_key: socket_api_key
            allowed_hosts:
              - api.socket.dev
              - socket.dev
            rate_limits:
              ops_viewer: { reads: 100/hour }
              ops_operator: { scans: 50/hour, reads: 200/hour }
              ops_admin: unlimited
            tools:
              - name: scan.repo
                min_role: ops_operator
                timeout_ms: 30000
              - name: findings.list
                min_role: ops_viewer
                timeout_ms: 5000
              - name: health
                min_role: ops_viewer
                timeout_ms: 5000

          sentry:
            enabled: true
            library: plugins/libSentryProvider.so
            vault_key: sentry_dsn
            allowed_hosts:
              - sentry.io
              - "*.ingest.sentry.io"
            rate_limits:
              ops_viewer: { reads: 500/hour }
              ops_operator: { writes: 100/hour, reads: 500/hour }
              ops_admin: unlimited
            tools:
              - name: capture.error
                min_role: ops_operator
                timeout_ms: 10000
              - name: issues.list
                min_role: ops_viewer
                timeout_ms: 5000
              - name: health
                min_role: ops_viewer
                timeout_ms: 5000

          netdata:
            enabled: false  # coming soon
            vault_key: netdata_token
            allowed_hosts:
              - app.netdata.cloud
              - "*.netdata.cloud"
        """

    @Test func prdExampleParsesToTheRightValues() throws {
        let fixture = try ConfigFixture()
        try fixture.write("plugins/libSocketProvider.so")
        try fixture.write("plugins/libSentryProvider.so")
        let configPath = try fixture.write("provider-config.yaml", Self.prdExample)

        let config = try ConfigLoader.load(path: configPath)

        #expect(config.path == configPath)
        #expect(config.directory == fixture.directory)
        #expect(config.providers.map(\.name) == ["socket", "sentry", "netdata"])

        let socket = try #require(config.provider(named: "socket"))
        #expect(socket.mark == SourceMark(file: configPath, line: 3, column: 3))
        #expect(socket.enabled)
        #expect(socket.library == "\(fixture.directory)/plugins/libSocketProvider.so")
        #expect(socket.libraryMark == SourceMark(file: configPath, line: 5, column: 14))
        #expect(socket.sha256 == nil)
        #expect(socket.vaultKey == "socket_api_key")
        #expect(socket.vaultPrefix == nil)
        #expect(socket.allowedHosts == ["api.socket.dev", "socket.dev"])
        #expect(socket.rateLimits == [
            .opsViewer: .limits([.reads: .rate(Rate(count: 100, windowSeconds: 3600))]),
            .opsOperator: .limits([.scans: .rate(Rate(count: 50, windowSeconds: 3600)), .reads: .rate(Rate(count: 200, windowSeconds: 3600))]),
            .opsAdmin: .unlimited,
        ])
        #expect(socket.tools == [
            ToolPolicy(name: "scan.repo", minRole: .opsOperator, timeoutMs: 30000, mark: SourceMark(file: configPath, line: 15, column: 9)),
            ToolPolicy(name: "findings.list", minRole: .opsViewer, timeoutMs: 5000, mark: SourceMark(file: configPath, line: 18, column: 9)),
            ToolPolicy(name: "health", minRole: .opsViewer, timeoutMs: 5000, mark: SourceMark(file: configPath, line: 21, column: 9)),
        ])
        #expect(socket.settingsJSON == "{}")

        let sentry = try #require(config.provider(named: "sentry"))
        #expect(sentry.allowedHosts == ["sentry.io", "*.ingest.sentry.io"])
        #expect(sentry.rateLimits[.opsOperator] == .limits([.writes: .rate(Rate(count: 100, windowSeconds: 3600)), .reads: .rate(Rate(count: 500, windowSeconds: 3600))]))
        #expect(sentry.tools.map(\.name) == ["capture.error", "issues.list", "health"])
        #expect(sentry.tools[0].timeoutMs == 10000)

        let netdata = try #require(config.provider(named: "netdata"))
        #expect(!netdata.enabled)
        #expect(netdata.library == nil)
        #expect(netdata.vaultKey == "netdata_token")
        #expect(netdata.allowedHosts == ["app.netdata.cloud", "*.netdata.cloud"])
        #expect(netdata.rateLimits.isEmpty)
        #expect(netdata.tools.isEmpty)
    }

    @Test func hubBlockIsOptionalAndDefaultsLiveInTheStateDirectory() throws {
        let config = try ConfigLoader.parse("providers: {}\n", path: "/etc/mcp/provider-config.yaml")
        #expect(config.directory == "/etc/mcp")
        #expect(config.providers.isEmpty)
        let hub = config.hub
        #expect(hub.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(hub.listen.isLoopback)
        #expect(hub.stateDirectory == "/etc/mcp/.mcp-hub")
        #expect(hub.invokePool == InvokePoolSettings(threads: 8, queueDepth: 64))
        #expect(hub.auth == nil)
        #expect(hub.vault == VaultSettings(backend: .file(path: "/etc/mcp/.mcp-hub/vault.store", keyFile: "/etc/mcp/.mcp-hub/vault.key"), refreshMs: 2000, staleGraceSeconds: 0))
        #expect(hub.audit == AuditSettings(store: .sqlite(path: "/etc/mcp/.mcp-hub/audit.sqlite3"), spoolDirectory: "/etc/mcp/.mcp-hub/audit-spool", resultCapBytes: 65536))
        #expect(hub.egress == EgressSettings(caFile: nil, connectTo: [], allowCIDRs: [], maxResponseBytes: 8_388_608, maxRedirects: 3))
    }

    @Test func fullHubBlockParses() throws {
        let yaml = """
            hub:
              listen: "[::1]:9090"
              state_dir: /var/lib/mcp-hub
              invoke_pool: { threads: 4, queue: 0 }
              auth:
                issuer: https://abc.supabase.co/auth/v1
                jwt_secret_key: supabase_jwt_secret
                jwks_url: https://abc.supabase.co/auth/v1/.well-known/jwks.json
                jwks_cache_seconds: 300
              vault:
                backend: supabase
                conninfo: host=db.internal user=mcp_hub dbname=postgres passfile=/etc/mcp-hub/pgpass
                refresh_ms: 500
                stale_grace_seconds: 30
              audit:
                store: postgres
                conninfo: postgresql://mcp_hub@db.internal/postgres?sslmode=require
                result_cap_bytes: 1024
              egress:
                ca_file: certs/test-ca.pem
                connect_to: ["api.socket.dev:443:127.0.0.1:8443", "sentry.io:443:[::1]:9443"]
                allow_cidrs: ["10.0.0.0/8", "fd00::/8"]
                max_response_bytes: 1048576
                max_redirects: 0
            providers: {}
            """
        let hub = try ConfigLoader.parse(yaml, path: "/srv/hub/provider-config.yaml").hub
        #expect(hub.listen == ListenAddress(host: "::1", port: 9090))
        #expect(hub.listen.isLoopback)
        #expect(hub.stateDirectory == "/var/lib/mcp-hub")
        #expect(hub.invokePool == InvokePoolSettings(threads: 4, queueDepth: 0))
        #expect(hub.auth == AuthSettings(
            issuer: "https://abc.supabase.co/auth/v1",
            audience: "authenticated",
            jwtSecretKey: "supabase_jwt_secret",
            jwksURL: "https://abc.supabase.co/auth/v1/.well-known/jwks.json",
            jwksCacheSeconds: 300
        ))
        #expect(hub.vault == VaultSettings(backend: .supabase(conninfo: "host=db.internal user=mcp_hub dbname=postgres passfile=/etc/mcp-hub/pgpass"), refreshMs: 500, staleGraceSeconds: 30))
        #expect(hub.audit == AuditSettings(store: .postgres(conninfo: "postgresql://mcp_hub@db.internal/postgres?sslmode=require"), spoolDirectory: "/var/lib/mcp-hub/audit-spool", resultCapBytes: 1024))
        #expect(hub.egress == EgressSettings(
            caFile: "/srv/hub/certs/test-ca.pem",
            connectTo: [
                ConnectTo(host: "api.socket.dev", port: 443, connectHost: "127.0.0.1", connectPort: 8443),
                ConnectTo(host: "sentry.io", port: 443, connectHost: "::1", connectPort: 9443),
            ],
            allowCIDRs: ["10.0.0.0/8", "fd00::/8"],
            maxResponseBytes: 1_048_576,
            maxRedirects: 0
        ))
    }

    // MARK: Errors name file:line:column and the key path

    @Test func yamlSyntaxErrorReportsLibyamlsProblemAndMark() {
        let error = configError("""
            providers:
              socket:
                vault_key: a: b
            """)
        #expect(error?.mark == SourceMark(file: file, line: 3, column: 17))
        #expect(error?.description == "\(file):3:17: YAML syntax error: mapping values are not allowed in this context")
    }

    @Test func unknownKeyNamesTheKeyAndTheExpectedOnes() {
        let error = configError("""
            providers:
              socket:
                enabled: false
                tools:
                  - name: scan.repo
                  - name: health
                    min_rol: ops_viewer
            """)
        #expect(error?.description == "\(file):7:9: providers.socket.tools[1].min_rol: unknown key 'min_rol' (expected name, min_role, timeout_ms, deprecated, sunset, successor)")
    }

    @Test func unknownTopLevelAndHubKeysAreErrors() {
        #expect(configError("providers: {}\nprovider: {}\n")?.description
            == "\(file):2:1: provider: unknown key 'provider' (expected hub, providers)")
        #expect(configError("hub:\n  listen_on: x\nproviders: {}\n")?.description
            == "\(file):2:3: hub.listen_on: unknown key 'listen_on' (expected listen, state_dir, invoke_pool, auth, vault, audit, egress, mcp, health, http)")
    }

    @Test func mcpSettingsAreCheckedWithTheirPosition() throws {
        #expect(configError("hub:\n  mcp:\n    allowed_origins: [\"https://agent.example.com/app\"]\nproviders: {}\n")?.description
            == "\(file):3:23: hub.mcp.allowed_origins[0]: 'https://agent.example.com/app' is not an origin (http(s)://host[:port], no path)")
        #expect(configError("hub:\n  mcp: { path: mcp }\nproviders: {}\n")?.description.contains("hub.mcp.path") == true)
        let config = try ConfigLoader.parse(
            "hub:\n  mcp: { path: /agents/mcp, public_url: \"https://Hub.Example.com\" }\nproviders: {}\n", path: file)
        #expect(config.hub.mcp.path == "/agents/mcp")
        #expect(config.hub.mcp.publicURL == "https://hub.example.com")
        #expect(try ConfigLoader.parse("providers: {}\n", path: file).hub.mcp == .default)
    }

    @Test func wrongTypeNamesTheExpectedType() {
        let listForMapping = configError("""
            providers:
              socket:
                enabled: false
                rate_limits: [ops_viewer]
            """)
        #expect(listForMapping?.description == "\(file):4:18: providers.socket.rate_limits: expected a mapping, found a list")

        let textForInteger = configError("""
            providers:
              socket:
                enabled: false
                tools:
                  - name: health
                    timeout_ms: abc
            """)
        #expect(textForInteger?.description == "\(file):6:21: providers.socket.tools[0].timeout_ms: expected an integer, found the string 'abc'")

        let quotedBoolean = configError("providers:\n  socket:\n    enabled: \"false\"\n")
        #expect(quotedBoolean?.description == "\(file):3:14: providers.socket.enabled: expected a boolean (true or false), found the string 'false'")

        let numberForString = configError("providers:\n  socket:\n    enabled: false\n    vault_key: 42\n")
        #expect(numberForString?.description == "\(file):4:16: providers.socket.vault_key: expected a string, found the integer 42 (quote it to make it a string)")
    }

    @Test func outOfRangeIntegerSaysTheRange() {
        let error = configError("""
            providers:
              socket:
                enabled: false
                tools: [{ name: health, timeout_ms: 300001 }]
            """)
        #expect(error?.description == "\(file):4:41: providers.socket.tools[0].timeout_ms: 300001 is out of range (expected 1...300000)")
    }

    @Test func badRateStringSaysTheExpectedForms() {
        let error = configError("""
            providers:
              socket:
                enabled: false
                rate_limits:
                  ops_viewer: { reads: 100/hr }
            """)
        #expect(error?.mark == SourceMark(file: file, line: 5, column: 28))
        #expect(error?.description == "\(file):5:28: providers.socket.rate_limits.ops_viewer.reads: '100/hr' is not a rate (expected N/second, N/minute, N/hour or unlimited)")

        #expect(configError("providers:\n  s:\n    enabled: false\n    rate_limits: { ops_admin: { writes: 0/second } }\n")?.message
            == "'0/second' is not a rate (expected N/second, N/minute, N/hour or unlimited)")
    }

    @Test func ratesAndUnlimitedCategories() throws {
        let config = try ConfigLoader.parse("""
            providers:
              s:
                enabled: false
                rate_limits:
                  ops_operator: { reads: 5/second, scans: 10/minute, writes: unlimited }
            """, path: file)
        #expect(config.providers[0].rateLimits == [
            .opsOperator: .limits([
                .reads: .rate(Rate(count: 5, windowSeconds: 1)),
                .scans: .rate(Rate(count: 10, windowSeconds: 60)),
                .writes: .unlimited,
            ]),
        ])
    }

    @Test func unknownRoleListsTheValidOnes() {
        let inRateLimits = configError("providers:\n  s:\n    enabled: false\n    rate_limits:\n      ops_owner: unlimited\n")
        #expect(inRateLimits?.description == "\(file):5:7: providers.s.rate_limits.ops_owner: unknown role 'ops_owner' (expected ops_viewer, ops_operator, ops_admin)")

        let inTool = configError("providers:\n  s:\n    enabled: false\n    tools:\n      - { name: health, min_role: admin }\n")
        #expect(inTool?.description == "\(file):5:35: providers.s.tools[0].min_role: unknown role 'admin' (expected ops_viewer, ops_operator, ops_admin)")

        let category = configError("providers:\n  s:\n    enabled: false\n    rate_limits:\n      ops_viewer: { deletes: 1/hour }\n")
        #expect(category?.description == "\(file):5:21: providers.s.rate_limits.ops_viewer.deletes: unknown rate category 'deletes' (expected reads, scans, writes)")
    }

    @Test func missingLibraryFileIsReportedAtTheLibraryValue() throws {
        let fixture = try ConfigFixture()
        let error = #expect(throws: ConfigError.self) {
            try fixture.load("""
                providers:
                  socket:
                    library: plugins/missing.so
                """)
        }
        #expect(error?.mark == SourceMark(file: "\(fixture.directory)/provider-config.yaml", line: 3, column: 14))
        #expect(error?.keyPath == "providers.socket.library")
        #expect(error?.message == "library file not found: \(fixture.directory)/plugins/missing.so")
    }

    @Test func enabledProviderRequiresALibraryAndDisabledOneDoesNot() throws {
        let error = configError("providers:\n  socket:\n    vault_key: socket_api_key\n")
        #expect(error?.description == "\(file):3:5: providers.socket: missing required key 'library'")

        let disabled = try ConfigLoader.parse("providers:\n  socket:\n    enabled: false\n    library: nowhere.so\n", path: "/cfg/provider-config.yaml")
        #expect(disabled.providers[0].library == "/cfg/nowhere.so")
    }

    @Test func sha256PinIsValidatedAndNormalised() throws {
        let bad = configError("providers:\n  s:\n    enabled: false\n    sha256: abc123\n")
        #expect(bad?.description == "\(file):4:13: providers.s.sha256: 'abc123' is not a SHA-256 digest (expected 64 hex digits, optionally prefixed sha256:)")

        let digest = String(repeating: "AB", count: 32)
        let config = try ConfigLoader.parse("providers:\n  s:\n    enabled: false\n    sha256: \"sha256:\(digest)\"\n", path: file)
        #expect(config.providers[0].sha256 == String(repeating: "ab", count: 32))
    }

    @Test func passwordInConninfoIsRefused() {
        let keywordForm = configError("""
            hub:
              vault:
                backend: supabase
                conninfo: "host=db user=hub password=hunter2"
            providers: {}
            """)
        #expect(keywordForm?.description == "\(file):4:15: hub.vault.conninfo: conninfo must not contain a password (secrets never live in config; use a passfile such as ~/.pgpass)")

        let uriForm = configError("""
            hub:
              audit:
                store: postgres
                conninfo: postgresql://hub:hunter2@db/ops
            providers: {}
            """)
        #expect(uriForm?.mark == SourceMark(file: file, line: 4, column: 15))
        #expect(uriForm?.keyPath == "hub.audit.conninfo")

        #expect(ConninfoSecretCheck.refusal(for: "postgres://db/ops?sslmode=require&pass%77ord=x") != nil)
        #expect(ConninfoSecretCheck.refusal(for: "host=db  PASSWORD = 'a b'") != nil)
        #expect(ConninfoSecretCheck.refusal(for: "host=db application_name='pass word=x'") == nil)
        #expect(ConninfoSecretCheck.refusal(for: "postgresql://hub@db:5432/ops") == nil)
        #expect(ConninfoSecretCheck.refusal(for: "host='unterminated") != nil)
    }

    @Test func backendRulesForVaultAndAudit() {
        let missingConninfo = configError("hub:\n  vault:\n    backend: supabase\nproviders: {}\n")
        #expect(missingConninfo?.description == "\(file):3:5: hub.vault: missing required key 'conninfo'")

        let strayKey = configError("hub:\n  audit:\n    conninfo: host=db\nproviders: {}\n")
        #expect(strayKey?.description == "\(file):3:5: hub.audit.conninfo: 'conninfo' does not apply to backend sqlite")

        let badBackend = configError("hub:\n  vault: { backend: s3 }\nproviders: {}\n")
        #expect(badBackend?.message == "'s3' is not a vault backend (expected file or supabase)")
    }

    @Test func authNeedsIssuerAndAVerificationMethod() {
        let noIssuer = configError("hub:\n  auth:\n    jwks_url: https://x.supabase.co/jwks\nproviders: {}\n")
        #expect(noIssuer?.description == "\(file):3:5: hub.auth: missing required key 'issuer'")

        let noMethod = configError("hub:\n  auth:\n    issuer: https://x.supabase.co/auth/v1\nproviders: {}\n")
        #expect(noMethod?.description == "\(file):3:5: hub.auth: auth needs a way to verify tokens: set jwt_secret_key, jwks_url, or both")

        let plainJWKS = configError("hub:\n  auth: { issuer: \"https://x.supabase.co/auth/v1\", jwks_url: \"http://x/jwks\" }\nproviders: {}\n")
        #expect(plainJWKS?.message == "'http://x/jwks' is not an https URL")

        let longCache = configError("hub:\n  auth: { issuer: \"https://x\", jwt_secret_key: k, jwks_cache_seconds: 601 }\nproviders: {}\n")
        #expect(longCache?.message == "601 is out of range (expected 0...600)")
    }

    @Test func duplicateKeyIsRefusedAtTheSecondOccurrence() {
        let error = configError("""
            providers:
              socket:
                enabled: false
                enabled: true
            """)
        #expect(error?.description == "\(file):4:5: providers.socket.enabled: duplicate key 'enabled' (first defined at line 3, column 5)")

        let inList = configError("providers:\n  s:\n    enabled: false\n    tools:\n      - { name: a, name: b }\n")
        #expect(inList?.description == "\(file):5:20: providers.s.tools[0].name: duplicate key 'name' (first defined at line 5, column 11)")
    }

    @Test func aliasesAndAnchorsAreRefused() {
        let alias = configError("""
            providers:
              socket:
                enabled: false
                vault_key: *shared
            """)
        #expect(alias?.description == "\(file):4:16: providers.socket.vault_key: aliases are not supported")

        let anchor = configError("""
            hub:
              listen: &address "127.0.0.1:9000"
            providers: {}
            """)
        #expect(anchor?.description == "\(file):2:11: hub.listen: anchor '&address' refused: aliases are not supported")
    }

    @Test func tagsNonScalarKeysAndMultipleDocumentsAreRefused() {
        #expect(configError("providers:\n  s:\n    enabled: !!bool true\n")?.description
            == "\(file):3:14: providers.s.enabled: tag 'tag:yaml.org,2002:bool' refused: tags are not supported (quote a value to make it a string)")
        #expect(configError("providers:\n  ? [a, b]\n  : x\n")?.description == "\(file):2:5: providers: mapping keys must be scalars")
        #expect(configError("providers: {}\n---\nproviders: {}\n")?.description
            == "\(file):2:1: multiple documents are not supported (a config file holds one document)")
        #expect(configError("# nothing here\n")?.description == "\(file):1:1: the config is empty (expected a mapping with a 'providers' key)")
        #expect(configError("hub: {}\n")?.description == "\(file):1:1: missing required key 'providers'")
    }

    @Test func duplicateToolNameIsRefused() {
        let error = configError("""
            providers:
              socket:
                enabled: false
                tools:
                  - name: health
                    min_role: ops_viewer
                  - name: health
            """)
        #expect(error?.description == "\(file):7:15: providers.socket.tools[1].name: duplicate tool name 'health' (first at line 5, column 9)")
    }

    @Test func toolDefaultsAreClosedByDefault() throws {
        let config = try ConfigLoader.parse("providers:\n  s:\n    enabled: false\n    tools: [{ name: danger.zone }]\n", path: file)
        #expect(config.providers[0].tools == [ToolPolicy(name: "danger.zone", minRole: .opsAdmin, timeoutMs: 10000, mark: SourceMark(file: file, line: 4, column: 13))])
    }

    @Test func providerNameAndHostPatternsAreValidated() {
        #expect(configError("providers:\n  Socket:\n    enabled: false\n")?.description
            == "\(file):2:3: providers.Socket: 'Socket' is not a provider name (expected [a-z][a-z0-9_-]*)")
        let wildcard = configError("providers:\n  s:\n    enabled: false\n    allowed_hosts: [\"api.*.io\"]\n")
        #expect(wildcard?.description == "\(file):4:21: providers.s.allowed_hosts[0]: 'api.*.io' is not \(HostPattern.syntaxHelp)")

        #expect(HostPattern.isValid("api.socket.dev"))
        #expect(HostPattern.isValid("*.ingest.sentry.io"))
        #expect(HostPattern.isValid("localhost"))
        #expect(!HostPattern.isValid("*.io"))
        #expect(!HostPattern.isValid("API.socket.dev"))
        #expect(!HostPattern.isValid("*"))
        #expect(!HostPattern.isValid("-bad.example.com"))
        #expect(!HostPattern.isValid("a..b"))
        #expect(HostPattern.isValid("host:8443"))
    }

    @Test func egressRulesAreValidated() {
        let connectTo = configError("hub:\n  egress:\n    connect_to: [\"api.socket.dev:443:127.0.0.1\"]\nproviders: {}\n")
        #expect(connectTo?.description == "\(file):3:18: hub.egress.connect_to[0]: 'api.socket.dev:443:127.0.0.1' is not \(ConnectTo.syntaxHelp)")
        let cidr = configError("hub:\n  egress:\n    allow_cidrs: [10.0.0.0/33]\nproviders: {}\n")
        #expect(cidr?.description == "\(file):3:19: hub.egress.allow_cidrs[0]: '10.0.0.0/33' is not \(CIDRSyntax.syntaxHelp)")
        #expect(configError("hub:\n  egress: { max_redirects: 11 }\nproviders: {}\n")?.message == "11 is out of range (expected 0...10)")

        #expect(CIDRSyntax.isValid("192.168.1.0/24"))
        #expect(CIDRSyntax.isValid("::/0"))
        #expect(!CIDRSyntax.isValid("10.0.0.0"))
        #expect(!CIDRSyntax.isValid("fd00::/129"))
        #expect(!CIDRSyntax.isValid("10.0.0/8"))
        #expect(ConnectTo(parsing: "[2001:db8::1]:443:[::1]:8443") == ConnectTo(host: "2001:db8::1", port: 443, connectHost: "::1", connectPort: 8443))
        #expect(ConnectTo(parsing: "api.socket.dev:0:127.0.0.1:8443") == nil)
    }

    @Test func listenAddressForms() {
        #expect(ListenAddress(parsing: "0.0.0.0:80") == ListenAddress(host: "0.0.0.0", port: 80))
        #expect(ListenAddress(parsing: "0.0.0.0:80")?.isLoopback == false)
        #expect(ListenAddress(parsing: "localhost:0")?.isLoopback == true)
        #expect(ListenAddress(parsing: "[::1]:8080")?.description == "[::1]:8080")
        #expect(ListenAddress(parsing: "::1:8080") == nil)
        #expect(ListenAddress(parsing: "127.0.0.1") == nil)
        #expect(ListenAddress(parsing: "127.0.0.1:65536") == nil)
        #expect(configError("hub:\n  listen: 8080\nproviders: {}\n")?.message == "expected a string, found the integer 8080 (quote it to make it a string)")
        #expect(configError("hub:\n  listen: localhost\nproviders: {}\n")?.message == "'localhost' is not \(ListenAddress.syntaxHelp)")
    }

    // MARK: Settings and paths

    @Test func settingsBecomeCompactJSONWithSortedKeys() throws {
        let config = try ConfigLoader.parse(#"""
            providers:
              netdata:
                enabled: false
                settings:
                  zeta: 1
                  alpha: "say \"hi\"\n"
                  enabled: true
                  ratio: 0.5
                  nothing: ~
                  quoted_number: "42"
                  hex: 0x1F
                  country: no
                  list: [1, two, false]
                  nested: { b: 2, a: { c: null } }
            """#, path: file)
        #expect(config.providers[0].settingsJSON
            == #"{"alpha":"say \"hi\"\n","country":"no","enabled":true,"hex":31,"list":[1,"two",false],"nested":{"a":{"c":null},"b":2},"nothing":null,"quoted_number":"42","ratio":0.5,"zeta":1}"#)
    }

    @Test func settingsMustBeAMappingOfJSONRepresentableValues() {
        #expect(configError("providers:\n  s:\n    enabled: false\n    settings: [1]\n")?.description
            == "\(file):4:15: providers.s.settings: expected a mapping, found a list")
        #expect(configError("providers:\n  s:\n    enabled: false\n    settings: { limit: .inf }\n")?.description
            == "\(file):4:24: providers.s.settings.limit: JSON cannot represent inf; quote it to pass a string")
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        let fixture = try ConfigFixture()
        try fixture.write("lib/libSocketProvider.so")
        let config = try ConfigLoader.load(path: fixture.write("etc/provider-config.yaml", """
            hub:
              state_dir: ../state
              vault: { key_file: ./keys/vault.key }
              egress: { ca_file: ca.pem }
            providers:
              socket:
                library: ../lib/./libSocketProvider.so
            """))
        #expect(config.directory == "\(fixture.directory)/etc")
        #expect(config.hub.stateDirectory == "\(fixture.directory)/state")
        #expect(config.hub.vault.backend == .file(path: "\(fixture.directory)/state/vault.store", keyFile: "\(fixture.directory)/etc/keys/vault.key"))
        #expect(config.hub.audit.store == .sqlite(path: "\(fixture.directory)/state/audit.sqlite3"))
        #expect(config.hub.egress.caFile == "\(fixture.directory)/etc/ca.pem")
        #expect(config.providers[0].library == "\(fixture.directory)/lib/libSocketProvider.so")
    }

    @Test func relativeConfigPathResolvesAgainstTheWorkingDirectory() throws {
        let config = try ConfigLoader.parse("providers: {}\n", path: "infra/mcp/provider-config.yaml")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(config.path == "infra/mcp/provider-config.yaml")
        #expect(config.directory == "\(cwd == "/" ? "" : cwd)/infra/mcp")
    }

    @Test func unreadableFileIsAnError() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/provider-config.yaml") }
        #expect(error?.description == "cannot read config file '/nonexistent/provider-config.yaml' (/nonexistent/provider-config.yaml): no such file; pass --config FILE")
    }

    /// Fault 17: a key without its colon is reported on its own line, not the next one.
    @Test func aSyntaxErrorNamesTheLineWithTheMistake() {
        let error = configError("hub:\n  listen 127.0.0.1:8080\n  state_dir: x\nproviders: {}\n")
        #expect(error?.mark?.line == 2, "\(error?.description ?? "")")
    }

    // MARK: Scalar resolution

    @Test func plainScalarsResolveLikeTheCoreSchema() {
        #expect(YAMLScalarValue.resolvePlain("true") == .bool(true))
        #expect(YAMLScalarValue.resolvePlain("FALSE") == .bool(false))
        #expect(YAMLScalarValue.resolvePlain("yes") == .string("yes"))
        #expect(YAMLScalarValue.resolvePlain("~") == .null)
        #expect(YAMLScalarValue.resolvePlain("null") == .null)
        #expect(YAMLScalarValue.resolvePlain("") == .null)
        #expect(YAMLScalarValue.resolvePlain("-42") == .int(-42))
        #expect(YAMLScalarValue.resolvePlain("0o17") == .int(15))
        #expect(YAMLScalarValue.resolvePlain("1.5e3") == .float(1500))
        #expect(YAMLScalarValue.resolvePlain("-.inf") == .float(-.infinity))
        #expect(YAMLScalarValue.resolvePlain("100/hour") == .string("100/hour"))
        #expect(YAMLScalarValue.resolvePlain("1.2.3") == .string("1.2.3"))
        #expect(YAMLScalarValue.resolvePlain("99999999999999999999") == .float(1e20))
    }
}
