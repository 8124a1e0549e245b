#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `hub.auth`: how callers' Supabase JWTs are verified. Without this block the hub has no way to
/// authenticate anyone, which the server treats as its own decision to make.
struct AuthSettings: Sendable, Equatable {
    /// `issuer`: the expected `iss` claim, an http(s) URL such as `https://<ref>.supabase.co/auth/v1`.
    var issuer: String
    /// `audience`: the expected `aud` claim. Default `authenticated`, Supabase's audience for users.
    var audience: String
    /// `jwt_secret_key`: the name of the vault secret holding the HS256 signing secret.
    var jwtSecretKey: String?
    /// `jwks_url`: an https URL serving the project's public keys, for asymmetric tokens.
    var jwksURL: String?
    /// `jwks_cache_seconds`: how long fetched keys are trusted; 0...600, default 600, so a
    /// rotated-out key stops verifying within ten minutes.
    var jwksCacheSeconds: Int

    static let keys = ["issuer", "audience", "jwt_secret_key", "jwks_url", "jwks_cache_seconds"]

    init(issuer: String, audience: String = "authenticated", jwtSecretKey: String?, jwksURL: String?, jwksCacheSeconds: Int = 600) {
        self.issuer = issuer
        self.audience = audience
        self.jwtSecretKey = jwtSecretKey
        self.jwksURL = jwksURL
        self.jwksCacheSeconds = jwksCacheSeconds
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        issuer = try mapping.required("issuer").parsed(as: "an http(s) URL") { Self.isURL($0, schemes: ["https", "http"]) ? $0 : nil }
        audience = try mapping.optional("audience")?.nonEmptyString() ?? "authenticated"
        jwtSecretKey = try mapping.optional("jwt_secret_key")?.parsed(as: "a secret name (^[a-z][a-z0-9_]{0,127}$)") { SecretName.isValid($0) ? $0 : nil }
        jwksURL = try mapping.optional("jwks_url")?.parsed(as: "an https URL") { Self.isURL($0, schemes: ["https"]) ? $0 : nil }
        jwksCacheSeconds = try mapping.optional("jwks_cache_seconds")?.int(in: 0...600) ?? 600
        guard jwtSecretKey != nil || jwksURL != nil else {
            throw node.error("auth needs a way to verify tokens: set jwt_secret_key, jwks_url, or both")
        }
    }

    private static func isURL(_ text: String, schemes: Set<String>) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host() else { return false }
        return schemes.contains(scheme) && !host.isEmpty
    }
}
