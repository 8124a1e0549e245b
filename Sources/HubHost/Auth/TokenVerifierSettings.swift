/// What a `TokenVerifier` accepts. Defaults follow GoTrue and PostgREST.
struct TokenVerifierSettings: Sendable, Equatable {
    /// The algorithms this verifier knows how to check. Anything else on the allow-list is ignored,
    /// so `none` can never be switched on by configuration.
    static let supportedAlgorithms: Set<String> = ["ES256", "RS256", "HS256"]

    /// Must equal the token's `iss` exactly, e.g. `https://<ref>.supabase.co/auth/v1`.
    var issuer: String
    /// Must be one of the token's `aud` values.
    var audience: String
    /// Allow-listed `alg` header values (intersected with `supportedAlgorithms`).
    var allowedAlgorithms: Set<String>
    /// Clock skew tolerated on `exp`, `nbf` and `iat` (PostgREST uses 30 s).
    var leewaySeconds: Int
    /// How long a fetched JWKS is trusted. Supabase's edge caches it for 10 minutes.
    var jwksCacheSeconds: Int
    /// Lower bound between two JWKS fetches, so tokens with made-up `kid`s cannot turn the
    /// hub into a request amplifier against Supabase. Two seconds: a rotated-in key is accepted
    /// within seconds, while a flood of made-up kids costs Supabase one request per 2 s
    /// (and concurrent ones share it).
    var minRefetchIntervalSeconds: Int

    init(
        issuer: String,
        audience: String = "authenticated",
        allowedAlgorithms: Set<String> = ["ES256", "RS256", "HS256"],
        leewaySeconds: Int = 30,
        jwksCacheSeconds: Int = 600,
        minRefetchIntervalSeconds: Int = 2
    ) {
        self.issuer = issuer
        self.audience = audience
        self.allowedAlgorithms = allowedAlgorithms.intersection(Self.supportedAlgorithms)
        self.leewaySeconds = max(0, leewaySeconds)
        self.jwksCacheSeconds = max(0, jwksCacheSeconds)
        // A refetch limit longer than the cache lifetime would leave an expired cache unrefreshable.
        self.minRefetchIntervalSeconds = min(max(0, minRefetchIntervalSeconds), self.jwksCacheSeconds)
    }
}
