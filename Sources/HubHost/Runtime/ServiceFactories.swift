import Foundation

/// Opens the vault backend the config names, behind the rotation-aware cache.
enum SecretStores {
    static func backend(for settings: VaultSettings) throws -> any SecretBackend {
        switch settings.backend {
        case .file(let path, let keyFile):
            return try FileSecretBackend(storePath: path, keyPath: keyFile, createIfMissing: true)
        case .supabase(let conninfo):
            return try SupabaseSecretBackend(conninfo: conninfo)
        }
    }

    static func cache(for settings: VaultSettings) throws -> SecretCache {
        SecretCache(
            backend: try backend(for: settings), refreshInterval: .milliseconds(settings.refreshMs),
            staleGrace: .seconds(settings.staleGraceSeconds))
    }
}

/// Opens the audit store the config names.
enum AuditStores {
    static func open(_ settings: AuditSettings) throws -> any AuditStore {
        switch settings.store {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            return try SQLiteAuditStore(path: path, resultCapBytes: settings.resultCapBytes)
        case .postgres(let conninfo):
            return try PostgresAuditStore(
                conninfo: conninfo, spoolDirectory: settings.spoolDirectory, resultCapBytes: settings.resultCapBytes)
        }
    }
}

/// Builds the token verifier from `hub.auth`: the HS256 secret is read from the vault on use
/// (rotation needs no restart); the JWKS is fetched through the hub's own egress.
enum Authenticators {
    static func verifier(for auth: AuthSettings, secrets: SecretCache, egress: EgressSettings) -> TokenVerifier {
        let settings = TokenVerifierSettings(
            issuer: auth.issuer, audience: auth.audience, jwksCacheSeconds: auth.jwksCacheSeconds)
        let secretName = auth.jwtSecretKey
        return TokenVerifier(
            settings: settings,
            hs256Secret: {
                // Read on every verification so a rotation needs no restart. A cache hit costs
                // well under a microsecond; the background refresher keeps entries fresh, so
                // the blocking path (a version check against the backend) is rare here.
                guard let secretName else { return nil }
                return try secrets.value(secretName)
            },
            jwks: auth.jwksURL.map { EgressJWKSSource(url: $0, egress: egress) })
    }
}

/// Fetches the JWKS over the same egress guards providers use: HTTPS only, the JWKS host alone
/// allowed, private addresses refused.
struct EgressJWKSSource: JWKSSource {
    let url: String
    let client: EgressClient

    init(url: String, egress: EgressSettings) {
        self.url = url
        let host = URL(string: url)?.host()?.lowercased() ?? ""
        client = EgressClient(policy: EgressPolicy(
            allowedHosts: [try? HostPattern(host)].compactMap { $0 },
            allowCIDRs: egress.allowCIDRs.compactMap { try? CIDR($0) }, connectTo: egress.connectTo,
            caFile: egress.caFile, maxResponseBytes: 1 << 20, maxRedirects: 0))
    }

    func fetchJWKS() async throws -> [UInt8] {
        let request = EgressRequest(method: "GET", url: url, headers: [("Accept", "application/json")], body: [])
        let response = try await Blocking.run { [client] in
            try client.send(request, deadline: .now + .seconds(5), isCancelled: { false })
        }
        guard response.status == 200 else { throw CommandFailure("JWKS fetch answered \(response.status)") }
        return response.body
    }
}

/// Runs blocking work (libpq, libcurl, file I/O) on a thread of its own rather than on Swift's
/// cooperative pool. For rare calls only; per-request work goes to the InvocationPool.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
