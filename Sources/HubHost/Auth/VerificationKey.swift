import JWTKit

/// One key the verifier may check a signature with, bound to exactly one algorithm.
///
/// Binding the algorithm to the key (not taking it from the token) is what defeats algorithm
/// confusion: an ES256/RS256 public key can only ever verify ES256/RS256 signatures, and the
/// HS256 key only ever comes from the secret store.
struct VerificationKey: Sendable {
    /// The JWS `alg` this key verifies: "ES256", "RS256" or "HS256".
    let algorithm: String
    private let signer: any JWTAlgorithm

    private init(algorithm: String, signer: any JWTAlgorithm) {
        self.algorithm = algorithm
        self.signer = signer
    }

    /// Verifies the signature with jwt-kit. Called outside any actor, so verifications run in
    /// parallel rather than queueing on a `JWTKeyCollection`.
    func verify(_ jws: CompactJWS) throws(AuthFailure) {
        guard jws.header.alg == algorithm else { throw .algorithmNotAllowed(jws.header.alg) }
        let valid: Bool
        do {
            valid = try signer.verify(jws.signature, signs: Array(jws.signingInput.utf8))
        } catch {
            // jwt-kit throws on signatures it cannot even parse (wrong length, bad DER...).
            throw .badSignature
        }
        if !valid { throw .badSignature }
    }

    /// The legacy HS256 JWT secret. Its UTF-8 bytes are the HMAC key, as in GoTrue.
    static func hs256(secret: String) async throws -> VerificationKey {
        try await make(algorithm: "HS256") { await $0.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256) }
    }

    static func es256(x: String, y: String) async throws -> VerificationKey {
        let key = try ES256PublicKey(parameters: (x: x, y: y))
        return try await make(algorithm: "ES256") { await $0.add(ecdsa: key) }
    }

    /// jwt-kit refuses RSA moduli under 2048 bits.
    static func rs256(modulus: String, exponent: String) async throws -> VerificationKey {
        let key = try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
        return try await make(algorithm: "RS256") { await $0.add(rsa: key, digestAlgorithm: .sha256) }
    }

    /// jwt-kit builds its signers only through a key collection; we take the signer back out.
    private static func make(
        algorithm: String,
        _ register: (JWTKeyCollection) async -> Void
    ) async throws -> VerificationKey {
        let collection = JWTKeyCollection()
        await register(collection)
        let signer = try await collection.getKey()
        precondition(signer.name == algorithm, "jwt-kit built \(signer.name) for \(algorithm)")
        return VerificationKey(algorithm: algorithm, signer: signer)
    }
}
