import Foundation
import Hummingbird
@testable import HubHost

/// A whole hub built the way `mcp-hub serve` builds it — real config file parsed by libyaml,
/// real provider libraries dlopened, the encrypted file vault, the SQLite audit store, HS256
/// tokens — in a temporary folder of its own.
final class TestHub: @unchecked Sendable {
    static let issuer = "http://127.0.0.1/auth/v1"

    let directory: URL
    let config: HubConfig
    let runtime: HubRuntime
    let vault: FileSecretBackend
    let secrets: SecretCache
    let jwtSecret: String
    /// The `hub:` block as first written, so `writeConfig` changes only the providers.
    private let hubBlock: String

    var configPath: String { directory.appendingPathComponent("provider-config.yaml").path }

    /// Rewrites the config file with new providers (what an admin does before POST /admin/reload).
    func writeConfig(providers: String) throws {
        try Self.configText(hub: hubBlock, providers: providers).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    private static func configText(hub: String, providers: String) -> String {
        hub + "\nproviders:\n" + providers + "\n"
    }

    /// Writes `text` as the whole config file, e.g. a broken one.
    func writeConfig(text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `providers` is the YAML under `providers:`, indented by two spaces. `hubExtra` is added to
    /// the `hub:` block as is; `authExtra` to `hub.auth` (indented by four spaces).
    init(
        providers: String, hubExtra: String = "", authExtra: String = "", secrets values: [String: String] = [:],
        pool: (Int, Int) = (4, 16)
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        hubBlock = """
            hub:
              state_dir: state
              invoke_pool: { threads: \(pool.0), queue: \(pool.1) }
              auth:
                issuer: \(Self.issuer)
                jwt_secret_key: hub_jwt_secret
            \(authExtra)
              vault:
                backend: file
                refresh_ms: 100
              audit:
                store: sqlite
            \(hubExtra)
            """
        let path = directory.appendingPathComponent("provider-config.yaml").path
        try Self.configText(hub: hubBlock, providers: providers).write(toFile: path, atomically: true, encoding: .utf8)
        config = try ConfigLoader.load(path: path)

        guard case .file(let store, let key) = config.hub.vault.backend else { throw FixtureError("expected the file vault") }
        vault = try FileSecretBackend(storePath: store, keyPath: key, createIfMissing: true)
        jwtSecret = (0..<48).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! }.map(String.init).joined()
        try vault.set("hub_jwt_secret", value: jwtSecret)
        for (name, value) in values { try vault.set(name, value: value) }
        secrets = SecretCache(backend: vault, refreshInterval: .milliseconds(100))
        let audit = try AuditStores.open(config.hub.audit)
        let services = HubServices(secrets: secrets, egress: config.hub.egress)
        let verifier = Authenticators.verifier(for: config.hub.auth!, secrets: secrets, egress: config.hub.egress)
        runtime = HubRuntime(config: config, services: services, authenticator: verifier, audit: audit)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    var application: some ApplicationProtocol {
        HubApplication.make(runtime)
    }

    /// A token like Supabase's, signed with this hub's HS256 secret.
    func token(_ role: OpsRole, sub: String = UUID().uuidString.lowercased(), team: String? = nil) async throws -> String {
        try await TokenIssuer.signHS256(
            sub: sub, role: role, team: team, ttlSeconds: 600, issuer: Self.issuer, audience: "authenticated",
            secret: jwtSecret)
    }

    /// Every audit event so far, newest first.
    func events() async throws -> [AuditEvent] {
        try await runtime.audit.query(AuditQuery(limit: 500), as: .localOperator)
            .events.map(\.event)
    }
}

/// YAML blocks for the providers the tests load.
enum ProviderYAML {
    static func template(minRole: String = "ops_viewer") -> String {
        """
          template:
            library: \(RepositoryPaths.providerLibrary("Template"))
            tools:
              - { name: echo, min_role: \(minRole), timeout_ms: 2000 }
        """
    }

    /// `extraTools`: more `- { name: … }` lines for the tools list, indented like the others.
    static func cFixture(library: String, rateLimits: String = "", napTimeout: Int = 300, extraTools: String = "") -> String {
        """
          cfixture:
            library: \(library)
            vault_key: cfixture_token
        \(rateLimits)
            tools:
              - { name: add, min_role: ops_viewer, timeout_ms: 2000 }
              - { name: nap, min_role: ops_operator, timeout_ms: \(napTimeout) }
              - { name: leak, min_role: ops_admin, timeout_ms: 2000 }
              - { name: peek, min_role: ops_viewer, timeout_ms: 2000 }
              - { name: health, min_role: ops_viewer, timeout_ms: 2000 }
        \(extraTools)
        """
    }
}
