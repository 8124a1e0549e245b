import Foundation

/// `mcp-hub secrets set|list|rm`: the configured vault backend, directly (no cache, no scope:
/// this is the admin's own tool). Values come from standard input only, so they never sit in
/// shell history or a process listing.
public enum HubSecrets {
    public static func set(configPath: String, name: String, value: Data) throws {
        // `echo value | mcp-hub secrets set` adds a newline that is not part of the secret; a file
        // saved on Windows ends in CR LF. Work on scalars: Swift treats CR LF as one Character.
        var scalars = String(decoding: value, as: UTF8.self).unicodeScalars
        if scalars.last == "\n" { scalars.removeLast() }
        if scalars.last == "\r" { scalars.removeLast() }
        // Any other control character (a CR inside, a second line) would be sent upstream as
        // part of the key and fail there with no hint: refuse it here instead.
        if let bad = scalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw CommandFailure(
                "the value for \(name) contains a control character (U+\(String(format: "%04X", bad.value))); a secret is one line without CR, LF or tabs")
        }
        let text = String(scalars)
        guard !text.isEmpty else { throw CommandFailure("no value on standard input: pipe the secret in, e.g. mcp-hub secrets set \(name) < file") }
        try backend(configPath).set(name, value: text)
    }

    public static func list(configPath: String) throws -> String {
        let listings = try backend(configPath).list()
        guard !listings.isEmpty else { return "(no secrets)" }
        let width = listings.map(\.name.count).max() ?? 0
        return listings.map { "\($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.updatedAt)" }
            .joined(separator: "\n")
    }

    public static func remove(configPath: String, name: String) throws {
        guard try backend(configPath).remove(name) else { throw CommandFailure("no secret named \(name)") }
    }

    private static func backend(_ configPath: String) throws -> any SecretBackend {
        try SecretStores.backend(for: ConfigLoader.load(path: configPath).hub.vault)
    }
}

/// `mcp-hub token`: a token for local development, signed with the HS256 secret from the vault.
public enum HubTokens {
    public static func issue(configPath: String, sub: String, role: String, team: String?, ttl: String) async throws -> String {
        let config = try ConfigLoader.load(path: configPath)
        guard let auth = config.hub.auth, let secretName = auth.jwtSecretKey else {
            throw CommandFailure("\(config.path): hub.auth.jwt_secret_key is not set; tokens can only be signed with the HS256 secret")
        }
        guard let opsRole = OpsRole(rawValue: role) else {
            throw CommandFailure("role '\(role)' is not one of \(OpsRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let uuid = UUID(uuidString: sub) else { throw CommandFailure("--sub '\(sub)' is not a UUID") }
        guard let seconds = DurationText.seconds(ttl), seconds > 0 else {
            throw CommandFailure("--ttl '\(ttl)' is not a duration like 30s, 15m, 1h or 1d")
        }
        let backend = try SecretStores.backend(for: config.hub.vault)
        guard let secret = try backend.read(secretName)?.value else {
            throw CommandFailure("the vault has no '\(secretName)': set one first (e.g. openssl rand -base64 48 | mcp-hub secrets set \(secretName))")
        }
        return try await TokenIssuer.signHS256(
            sub: uuid.uuidString.lowercased(), role: opsRole, team: team, ttlSeconds: seconds, issuer: auth.issuer,
            audience: auth.audience, secret: secret)
    }
}

enum DurationText {
    /// "90", "30s", "15m", "1h", "2d" → seconds.
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let last = text.last else { return nil }
        if let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
        return Int(text)
    }
}
