import Foundation

/// Parses a JWKS document into verification keys by `kid`.
///
/// Only ES256 (P-256) and RS256 signature keys are taken. Symmetric (`oct`) keys are always
/// skipped: an HMAC key is never taken from a JWKS. A key that cannot be used is skipped
/// rather than failing the whole set, so one odd entry cannot lock every user out.
enum JWKSKeySet {
    struct InvalidDocument: Error {}

    static func parse(_ document: [UInt8]) async throws -> [String: VerificationKey] {
        let jwks: Document
        do {
            jwks = try JSONDecoder().decode(Document.self, from: Data(document))
        } catch {
            throw InvalidDocument()
        }
        var keys: [String: VerificationKey] = [:]
        for jwk in jwks.keys {
            guard let kid = jwk.kid, !kid.isEmpty, jwk.isForVerifyingSignatures,
                let key = await verificationKey(for: jwk)
            else { continue }
            keys[kid] = key
        }
        return keys
    }

    private static func verificationKey(for jwk: Document.Key) async -> VerificationKey? {
        switch (jwk.kty, jwk.alg ?? jwk.defaultAlgorithm) {
        case ("EC", "ES256"):
            guard jwk.crv == "P-256", let x = jwk.x, let y = jwk.y else { return nil }
            return try? await VerificationKey.es256(x: x, y: y)
        case ("RSA", "RS256"):
            guard let n = jwk.n, let e = jwk.e else { return nil }
            return try? await VerificationKey.rs256(modulus: n, exponent: e)
        default:
            return nil
        }
    }

    /// The JWKS, decoded field by field so that one unexpected value drops only its own key.
    private struct Document: Decodable {
        var keys: [Key]

        struct Key: Decodable {
            var kty, kid, alg, use, crv, x, y, n, e: String?
            var keyOps: [String]?

            private enum CodingKeys: String, CodingKey {
                case kty, kid, alg, use, crv, x, y, n, e
                case keyOps = "key_ops"
            }

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                func string(_ key: CodingKeys) -> String? { try? c.decodeIfPresent(String.self, forKey: key) }
                (kty, kid, alg, use, crv) = (string(.kty), string(.kid), string(.alg), string(.use), string(.crv))
                (x, y, n, e) = (string(.x), string(.y), string(.n), string(.e))
                keyOps = try? c.decodeIfPresent([String].self, forKey: .keyOps)
            }

            /// `use` and `key_ops` are optional, but when present they must allow verification.
            var isForVerifyingSignatures: Bool {
                (use == nil || use == "sig") && (keyOps == nil || keyOps!.contains("verify"))
            }

            /// Supabase always sets `alg`; without it, the key type decides.
            var defaultAlgorithm: String? {
                switch kty {
                case "EC": crv == "P-256" ? "ES256" : nil
                case "RSA": "RS256"
                default: nil
                }
            }
        }
    }
}
