import Foundation

/// Applies GoTrue/PostgREST's claim rules to a token whose signature has already been checked,
/// and turns it into a `Caller`.
struct ClaimsValidator: Sendable {
    var issuer: String
    var audience: String
    var leeway: TimeInterval

    init(settings: TokenVerifierSettings) {
        self.issuer = settings.issuer
        self.audience = settings.audience
        self.leeway = TimeInterval(settings.leewaySeconds)
    }

    func caller(from claims: SupabaseAccessClaims, now: Date) throws(AuthFailure) -> Caller {
        let now = now.timeIntervalSince1970

        // A token without `exp` would be valid forever; GoTrue always sets one.
        guard let exp = claims.exp, exp.isFinite else { throw .malformedToken }
        if now > exp + leeway { throw .expired }
        if let nbf = claims.nbf, now + leeway < nbf { throw .notYetValid }
        if let iat = claims.iat, iat > now + leeway { throw .issuedInFuture }

        // Checked before iss/aud so the legacy anon/service_role keys (iss "supabase", no aud)
        // are reported as what they are.
        guard claims.role == "authenticated" else { throw .notAUserToken }
        guard claims.iss == issuer else { throw .wrongIssuer }
        guard let aud = claims.aud, aud.contains(audience) else { throw .wrongAudience }

        guard let sub = claims.sub, let userID = UUID(uuidString: sub) else { throw .badSubject }
        guard let rawRole = claims.appMetadata?.opsRole, let role = OpsRole(rawValue: rawRole) else {
            throw .noOpsRole
        }
        return Caller(id: userID.uuidString.lowercased(), role: role, team: claims.appMetadata?.team)
    }
}
