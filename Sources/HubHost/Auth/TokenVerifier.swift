import Foundation

/// Turns an `Authorization` header into a `Caller`, verifying the Supabase access token the
/// way GoTrue and PostgREST do.
///
/// Key selection, in order:
/// 1. `alg` must be allow-listed (`none` never is).
/// 2. HS256 is ALWAYS verified with the legacy JWT secret from the vault, read on every use so
///    a rotation needs no restart — whether or not the token carries a `kid`. Supabase's
///    signing-key system may put a `kid` on tokens signed with the shared secret; we ignore it
///    rather than look it up, so nothing fetched from the JWKS can ever become an HMAC key and
///    an HS256 token never triggers a JWKS fetch. Algorithm confusion (a public key used as an
///    HMAC secret) is impossible by construction, not by a check.
/// 3. ES256/RS256 must name their key with a `kid`, looked up in the JWKS; the algorithm is
///    bound to the key found, never taken from the token.
actor TokenVerifier {
    private let settings: TokenVerifierSettings
    private let validator: ClaimsValidator
    private let hs256Secret: @Sendable () async throws -> String?
    private let jwks: JWKSCache?
    private let now: @Sendable () -> Date

    /// The HMAC key built for the last secret seen, so an unchanged secret costs a string compare.
    private var hs256Key: (secret: String, key: VerificationKey)?

    /// HMAC-SHA256 needs a key at least as long as its output; Supabase enforces 32 characters too.
    static let minimumSecretLength = 32

    init(
        settings: TokenVerifierSettings,
        hs256Secret: @escaping @Sendable () async throws -> String?,
        jwks: (any JWKSSource)?,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.settings = settings
        self.validator = ClaimsValidator(settings: settings)
        self.hs256Secret = hs256Secret
        self.jwks = jwks.map {
            JWKSCache(
                source: $0,
                lifetimeSeconds: settings.jwksCacheSeconds,
                minRefetchIntervalSeconds: settings.minRefetchIntervalSeconds,
                now: now
            )
        }
        self.now = now
    }

    func authenticate(authorizationHeader: String?) async throws(AuthFailure) -> Caller {
        let token = try BearerCredential.token(from: authorizationHeader)
        let jws = try CompactJWS(token)
        let key = try await key(for: jws.header)
        try key.verify(jws)
        // The payload is only interpreted once its signature is known to be good.
        let claims = try SupabaseAccessClaims.decode(jws.payload)
        return try validator.caller(from: claims, now: now())
    }

    private func key(for header: CompactJWS.Header) async throws(AuthFailure) -> VerificationKey {
        let alg = header.alg
        guard settings.allowedAlgorithms.contains(alg) else { throw .algorithmNotAllowed(alg) }

        // The vault secret is the only HMAC key there is; a `kid` on an HS256 token is ignored.
        if alg == "HS256" { return try await legacySecretKey() }
        // Asymmetric tokens from Supabase always name their key.
        guard let kid = header.kid, let jwks else { throw .unknownKey }
        return try await jwks.key(for: kid)
    }

    private func legacySecretKey() async throws(AuthFailure) -> VerificationKey {
        let secret: String?
        do {
            secret = try await hs256Secret()
        } catch {
            throw .keysUnavailable
        }
        // No secret configured: this deployment does not accept HS256 at all.
        guard let secret else { throw .algorithmNotAllowed("HS256") }
        guard secret.utf8.count >= Self.minimumSecretLength else { throw .keysUnavailable }

        if let cached = hs256Key, cached.secret == secret { return cached.key }
        do {
            let key = try await VerificationKey.hs256(secret: secret)
            hs256Key = (secret, key)
            return key
        } catch {
            throw .keysUnavailable
        }
    }
}
