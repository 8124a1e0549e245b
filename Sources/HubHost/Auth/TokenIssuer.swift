import Foundation
import JWTKit

/// Signs HS256 access tokens shaped like Supabase's, for `mcp-hub token` in local development
/// (where there is no GoTrue to log in to). The verifier treats them like any legacy-secret token.
enum TokenIssuer {
    enum Failure: Error, Sendable, Equatable {
        case subjectNotAUUID
        case nonPositiveTTL
        /// Shorter than `TokenVerifier.minimumSecretLength`: the verifier would refuse it anyway.
        case secretTooShort
    }

    static func signHS256(
        sub: String,
        role: OpsRole,
        team: String?,
        ttlSeconds: Int,
        issuer: String,
        audience: String,
        secret: String,
        now: Date = Date()
    ) async throws -> String {
        guard let userID = UUID(uuidString: sub) else { throw Failure.subjectNotAUUID }
        guard ttlSeconds > 0 else { throw Failure.nonPositiveTTL }
        guard secret.utf8.count >= TokenVerifier.minimumSecretLength else { throw Failure.secretTooShort }

        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = IssuedClaims(
            iss: issuer,
            sub: userID.uuidString.lowercased(),
            aud: audience,
            exp: issuedAt + ttlSeconds,
            iat: issuedAt,
            role: "authenticated",
            app_metadata: .init(ops_role: role.rawValue, team: team),
            user_metadata: .init(),
            session_id: UUID().uuidString.lowercased(),
            aal: "aal1",
            is_anonymous: false
        )
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        // No `kid`: that is how the legacy secret's tokens look, and how the verifier finds the secret.
        return try await keys.sign(claims, header: ["typ": "JWT"])
    }

    /// Field names are the wire names, so the encoded token matches GoTrue's byte for byte in shape.
    private struct IssuedClaims: JWTPayload {
        struct AppMetadata: Codable, Sendable {
            var ops_role: String
            var team: String?
        }
        struct UserMetadata: Codable, Sendable {}

        var iss: String
        var sub: String
        var aud: String
        var exp: Int
        var iat: Int
        var role: String
        var app_metadata: AppMetadata
        var user_metadata: UserMetadata
        var session_id: String
        var aal: String
        var is_anonymous: Bool

        // Only the verifier checks claims; signing must not reject what it is asked to produce.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
