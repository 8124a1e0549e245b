import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Synchronization
import Testing

@testable import HubHost

// Keys are generated per run; no private key is ever committed.

private let issuer = "https://abcdefghijklmnop.supabase.co/auth/v1"
private let secret = "super-secret-jwt-token-with-at-least-32-characters-long"
private let userID = "8d0e9c5a-3b1f-4e2a-9c7d-1f2e3d4c5b6a"
private let t0 = Date(timeIntervalSince1970: 1_750_000_000)

/// A clock the tests move by hand.
private final class TestClock: Sendable {
    private let current = Mutex(t0)
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// An in-memory JWKS endpoint that counts fetches and can be slowed down or broken.
private final class FakeJWKS: JWKSSource {
    private struct State {
        var document: String
        var fetches = 0
        var failing = false
    }
    private let state: Mutex<State>
    private let delay: Duration

    init(_ document: String, delay: Duration = .zero) {
        self.state = Mutex(State(document: document))
        self.delay = delay
    }

    var fetches: Int { state.withLock { $0.fetches } }
    func serve(_ document: String) { state.withLock { $0.document = document } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func fetchJWKS() async throws -> [UInt8] {
        let (document, failing) = state.withLock { s in
            s.fetches += 1
            return (s.document, s.failing)
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        if failing { throw URLError(.cannotConnectToHost) }
        return Array(document.utf8)
    }
}

/// A signing key plus its public JWK, as Supabase would publish it.
private struct SigningKey: Sendable {
    let kid: String
    let alg: String
    let signer: any JWTAlgorithm
    let publicJWK: String
    let publicPEM: String

    static func es256(kid: String = UUID().uuidString.lowercased()) async throws -> SigningKey {
        let key = ES256PrivateKey()
        let (x, y) = key.publicKey.parameters!
        let jwk = #"{"kty":"EC","crv":"P-256","alg":"ES256","kid":"\#(kid)","use":"sig","key_ops":["verify"],"x":"\#(x)","y":"\#(y)"}"#
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        return try await SigningKey(kid: kid, alg: "ES256", signer: keys.getKey(), publicJWK: jwk, publicPEM: key.publicKey.pemRepresentation)
    }

    static func rs256(kid: String = UUID().uuidString.lowercased()) async throws -> SigningKey {
        let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let (n, e) = try key.publicKey.getKeyPrimitives()
        let jwk = #"{"kty":"RSA","alg":"RS256","kid":"\#(kid)","use":"sig","key_ops":["verify"],"n":"\#(b64url(n))","e":"\#(b64url(e))"}"#
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        return try await SigningKey(kid: kid, alg: "RS256", signer: keys.getKey(), publicJWK: jwk, publicPEM: key.publicKey.pemRepresentation)
    }

    static func hs256(_ secret: String) async throws -> any JWTAlgorithm {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.getKey()
    }
}

private func jwks(_ keys: SigningKey...) -> String {
    #"{"keys":[\#(keys.map(\.publicJWK).joined(separator: ","))]}"#
}

private func b64url(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

private func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

/// The claims of a Supabase user access token issued at `now`.
private func userClaims(now: Date = t0, _ changes: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
    let iat = Int(now.timeIntervalSince1970)
    var claims: [String: Any] = [
        "iss": issuer, "sub": userID, "aud": "authenticated", "exp": iat + 3600, "iat": iat,
        "email": "ops@example.com", "phone": "", "role": "authenticated", "aal": "aal1",
        "amr": [["method": "password", "timestamp": iat]], "session_id": UUID().uuidString.lowercased(),
        "is_anonymous": false,
        "app_metadata": ["provider": "email", "providers": ["email"], "ops_role": "ops_operator", "team": "sre"],
        "user_metadata": [:] as [String: Any],
    ]
    changes(&claims)
    return claims
}

/// Builds a token from raw header and payload JSON, signed with `signer` (or unsigned).
private func token(header: String, payload: String, signer: (any JWTAlgorithm)?) throws -> String {
    let input = b64url(Array(header.utf8)) + "." + b64url(Array(payload.utf8))
    let signature = try signer.map { try $0.sign(Array(input.utf8)) } ?? []
    return input + "." + b64url(signature)
}

private func token(_ claims: [String: Any], alg: String, kid: String? = nil, signer: (any JWTAlgorithm)?) throws -> String {
    var header: [String: Any] = ["alg": alg, "typ": "JWT"]
    if let kid { header["kid"] = kid }
    return try token(header: json(header), payload: json(claims), signer: signer)
}

private func hs256Token(_ claims: [String: Any], secret: String = secret) async throws -> String {
    try await token(claims, alg: "HS256", signer: SigningKey.hs256(secret))
}

private func signed(_ claims: [String: Any], with key: SigningKey) throws -> String {
    try token(claims, alg: key.alg, kid: key.kid, signer: key.signer)
}

private func makeVerifier(
    clock: TestClock,
    jwks: FakeJWKS? = nil,
    secret: @escaping @Sendable () async throws -> String? = { secret },
    settings: TokenVerifierSettings = TokenVerifierSettings(issuer: issuer)
) -> TokenVerifier {
    TokenVerifier(settings: settings, hs256Secret: secret, jwks: jwks, now: { clock.now })
}

private func expectFailure(
    _ expected: AuthFailure, _ verifier: TokenVerifier, header: String?,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        let caller = try await verifier.authenticate(authorizationHeader: header)
        Issue.record("expected \(expected), got \(caller)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

private func expectFailure(
    _ expected: AuthFailure, _ verifier: TokenVerifier, token: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await expectFailure(expected, verifier, header: "Bearer \(token)", sourceLocation: sourceLocation)
}

@Suite struct TokenVerifierTests {
    // MARK: Accepted tokens

    @Test func hs256WithLegacySecretAndNoKid() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(hs256Token(userClaims()))")
        #expect(caller == Caller(id: userID, role: .opsOperator, team: "sre"))
    }

    @Test func schemeIsCaseInsensitiveAndSubjectIsLowercased() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let token = try await hs256Token(userClaims { $0["sub"] = userID.uppercased() })
        let caller = try await verifier.authenticate(authorizationHeader: "bEaReR \(token)")
        #expect(caller.id == userID)
    }

    @Test func teamIsOptional() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let token = try await hs256Token(userClaims { $0["app_metadata"] = ["ops_role": "ops_admin"] })
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(token)")
        #expect(caller == Caller(id: userID, role: .opsAdmin, team: nil))
    }

    @Test func es256ViaJWKS() async throws {
        let key = try await SigningKey.es256()
        let source = FakeJWKS(jwks(key))
        let verifier = makeVerifier(clock: TestClock(), jwks: source)
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(), with: key))")
        #expect(caller == Caller(id: userID, role: .opsOperator, team: "sre"))
        // Warm cache: no second fetch.
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(), with: key))")
        #expect(source.fetches == 1)
    }

    @Test func rs256ViaJWKS() async throws {
        let key = try await SigningKey.rs256()
        let verifier = makeVerifier(clock: TestClock(), jwks: FakeJWKS(jwks(key)))
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(), with: key))")
        #expect(caller.role == .opsOperator)
    }

    @Test func audienceMayBeAnArray() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let token = try await hs256Token(userClaims { $0["aud"] = ["other", "authenticated"] })
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(token)")
    }

    @Test func leewayBoundary() async throws {
        let clock = TestClock()
        let verifier = makeVerifier(clock: clock)
        let barelyExpired = try await hs256Token(userClaims(now: t0.addingTimeInterval(-3620)))
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(barelyExpired)")
        let tooOld = try await hs256Token(userClaims(now: t0.addingTimeInterval(-3640)))
        await expectFailure(.expired, verifier, token: tooOld)
    }

    @Test func tokenIssuerOutputVerifies() async throws {
        let clock = TestClock()
        let verifier = makeVerifier(clock: clock)
        let token = try await TokenIssuer.signHS256(
            sub: userID, role: .opsAdmin, team: "platform", ttlSeconds: 900,
            issuer: issuer, audience: "authenticated", secret: secret, now: clock.now)
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(token)")
        #expect(caller == Caller(id: userID, role: .opsAdmin, team: "platform"))

        // Shaped like a GoTrue access token, with no kid so the verifier uses the legacy secret.
        let parts = token.split(separator: ".")
        let header = try JSONSerialization.jsonObject(with: Data(base64URL: parts[0])) as! [String: Any]
        #expect(header["alg"] as? String == "HS256" && header["kid"] == nil)
        let claims = try JSONSerialization.jsonObject(with: Data(base64URL: parts[1])) as! [String: Any]
        #expect(Set(claims.keys) == ["iss", "sub", "aud", "exp", "iat", "role", "app_metadata", "user_metadata", "session_id", "aal", "is_anonymous"])
        #expect(claims["exp"] as? Int == Int(t0.timeIntervalSince1970) + 900)
        #expect(claims["is_anonymous"] as? Bool == false)
        #expect((claims["user_metadata"] as? [String: Any])?.isEmpty == true)

        clock.advance(900 + 31)
        await expectFailure(.expired, verifier, token: token)
    }

    @Test func tokenIssuerRefusesBadInput() async throws {
        await #expect(throws: TokenIssuer.Failure.subjectNotAUUID) {
            try await TokenIssuer.signHS256(sub: "alice", role: .opsViewer, team: nil, ttlSeconds: 60, issuer: issuer, audience: "authenticated", secret: secret)
        }
        await #expect(throws: TokenIssuer.Failure.secretTooShort) {
            try await TokenIssuer.signHS256(sub: userID, role: .opsViewer, team: nil, ttlSeconds: 60, issuer: issuer, audience: "authenticated", secret: "short")
        }
    }

    // MARK: Attack matrix

    @Test func algNoneIsRefused() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let unsigned = try token(userClaims(), alg: "none", signer: nil)
        #expect(unsigned.hasSuffix("."))
        await expectFailure(.algorithmNotAllowed("none"), verifier, token: unsigned)
        // Same, with a non-empty junk signature.
        await expectFailure(.algorithmNotAllowed("none"), verifier, token: unsigned + "AAAA")
    }

    @Test func algorithmOutsideAllowListIsRefused() async throws {
        let settings = TokenVerifierSettings(issuer: issuer, allowedAlgorithms: ["ES256", "RS256"])
        let verifier = makeVerifier(clock: TestClock(), settings: settings)
        await expectFailure(.algorithmNotAllowed("HS256"), verifier, token: try await hs256Token(userClaims()))
        await expectFailure(.algorithmNotAllowed("HS512"), verifier, token: try token(userClaims(), alg: "HS512", signer: SigningKey.hs256(secret)))
    }

    @Test(arguments: ["ES256", "RS256"])
    func publicKeyIsNeverAnHMACSecret(keyType: String) async throws {
        let key = try await (keyType == "ES256" ? SigningKey.es256() : SigningKey.rs256())
        let verifier = makeVerifier(clock: TestClock(), jwks: FakeJWKS(jwks(key)))
        for publicText in [key.publicPEM, key.publicJWK, jwks(key)] {
            let forger = try await SigningKey.hs256(publicText)
            // With the kid: HS256 is checked against the vault secret only, never a JWKS key.
            await expectFailure(.badSignature, verifier, token: try token(userClaims(), alg: "HS256", kid: key.kid, signer: forger))
            // Without it: the same, the legacy secret, which is not the public key.
            await expectFailure(.badSignature, verifier, token: try token(userClaims(), alg: "HS256", signer: forger))
        }
        // Header alg swapped to the other asymmetric algorithm: bound to the key, so refused.
        let otherAlg = keyType == "ES256" ? "RS256" : "ES256"
        await expectFailure(.algorithmNotAllowed(otherAlg), verifier, token: try token(userClaims(), alg: otherAlg, kid: key.kid, signer: key.signer))
    }

    @Test func expired() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.expired, verifier, token: try await hs256Token(userClaims { $0["exp"] = Int(t0.timeIntervalSince1970) - 40 }))
    }

    @Test func missingExpirationIsMalformed() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.malformedToken, verifier, token: try await hs256Token(userClaims { $0["exp"] = nil }))
    }

    @Test func notYetValid() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.notYetValid, verifier, token: try await hs256Token(userClaims { $0["nbf"] = Int(t0.timeIntervalSince1970) + 120 }))
        // Within leeway is fine.
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(hs256Token(userClaims { $0["nbf"] = Int(t0.timeIntervalSince1970) + 20 }))")
    }

    @Test func issuedInTheFuture() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.issuedInFuture, verifier, token: try await hs256Token(userClaims(now: t0.addingTimeInterval(120))))
    }

    @Test func wrongIssuer() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.wrongIssuer, verifier, token: try await hs256Token(userClaims { $0["iss"] = "https://otherproject.supabase.co/auth/v1" }))
        await expectFailure(.wrongIssuer, verifier, token: try await hs256Token(userClaims { $0["iss"] = issuer + "/" }))
    }

    @Test func wrongAudience() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.wrongAudience, verifier, token: try await hs256Token(userClaims { $0["aud"] = "anon" }))
        await expectFailure(.wrongAudience, verifier, token: try await hs256Token(userClaims { $0["aud"] = nil }))
    }

    @Test func tamperedPayloadFailsSignature() async throws {
        let key = try await SigningKey.es256()
        let verifier = makeVerifier(clock: TestClock(), jwks: FakeJWKS(jwks(key)))
        for original in [try signed(userClaims(), with: key), try await hs256Token(userClaims())] {
            var parts = original.split(separator: ".").map(String.init)
            parts[1] = b64url(Array(json(userClaims { $0["app_metadata"] = ["ops_role": "ops_admin"] }).utf8))
            await expectFailure(.badSignature, verifier, token: parts.joined(separator: "."))
        }
        // An empty signature on an allow-listed algorithm.
        let stripped = try await hs256Token(userClaims()).split(separator: ".").prefix(2).joined(separator: ".") + "."
        await expectFailure(.badSignature, verifier, token: stripped)
    }

    @Test func wrongSecret() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.badSignature, verifier, token: try await hs256Token(userClaims(), secret: secret + "-not"))
    }

    @Test func unknownKid() async throws {
        let key = try await SigningKey.es256()
        let stranger = try await SigningKey.es256()
        let verifier = makeVerifier(clock: TestClock(), jwks: FakeJWKS(jwks(key)))
        await expectFailure(.unknownKey, verifier, token: try signed(userClaims(), with: stranger))
        // No JWKS configured at all.
        await expectFailure(.unknownKey, makeVerifier(clock: TestClock()), token: try signed(userClaims(), with: key))
        // An asymmetric token that names no key.
        await expectFailure(.unknownKey, verifier, token: try token(userClaims(), alg: "ES256", signer: key.signer))
    }

    @Test func hmacKeyInJWKSIsIgnored() async throws {
        let kid = UUID().uuidString.lowercased()
        let publishedSecret = "an-hmac-key-someone-put-in-the-jwks-0123456789"
        let octJWKS = #"{"keys":[{"kty":"oct","alg":"HS256","kid":"\#(kid)","k":"\#(b64url(Array(publishedSecret.utf8)))"}]}"#
        let source = FakeJWKS(octJWKS)
        let verifier = makeVerifier(clock: TestClock(), jwks: source)
        // Signed with the key the JWKS publishes, naming it: refused, the vault secret decides.
        let forged = try await token(userClaims(), alg: "HS256", kid: kid, signer: SigningKey.hs256(publishedSecret))
        await expectFailure(.badSignature, verifier, token: forged)
        #expect(source.fetches == 0, "an HS256 token never causes a JWKS fetch")
        // The oct entry was not loaded as a key at all.
        await expectFailure(.unknownKey, verifier, token: try token(userClaims(), alg: "ES256", kid: kid, signer: SigningKey.es256().signer))
    }

    /// Supabase's signing-key system can put a `kid` on HS256 tokens signed with the shared
    /// secret: they verify with the vault secret, whatever the kid names and whether or not a
    /// JWKS is configured.
    @Test func hs256WithAKidVerifiesWithTheVaultSecret() async throws {
        let asymmetric = try await SigningKey.es256()
        let source = FakeJWKS(jwks(asymmetric))
        for verifier in [makeVerifier(clock: TestClock(), jwks: source), makeVerifier(clock: TestClock())] {
            for kid in [UUID().uuidString.lowercased(), asymmetric.kid] {
                let good = try await token(userClaims(), alg: "HS256", kid: kid, signer: SigningKey.hs256(secret))
                let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(good)")
                #expect(caller.id == userID)
                let bad = try await token(userClaims(), alg: "HS256", kid: kid, signer: SigningKey.hs256(secret + "-not"))
                await expectFailure(.badSignature, verifier, token: bad)
            }
        }
        #expect(source.fetches == 0)
        // Without a vault secret, HS256 is not accepted at all, kid or not.
        let noSecret = makeVerifier(clock: TestClock(), jwks: source, secret: { nil })
        let token = try await token(userClaims(), alg: "HS256", kid: asymmetric.kid, signer: SigningKey.hs256(secret))
        await expectFailure(.algorithmNotAllowed("HS256"), noSecret, token: token)
    }

    @Test func opsRoleOnlyFromAppMetadata() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let userSet = try await hs256Token(userClaims {
            $0["app_metadata"] = ["provider": "email"]
            $0["user_metadata"] = ["ops_role": "ops_admin", "team": "sre"]
        })
        await expectFailure(.noOpsRole, verifier, token: userSet)
        await expectFailure(.noOpsRole, verifier, token: try await hs256Token(userClaims { $0["ops_role"] = "ops_admin"; $0["app_metadata"] = nil }))
        await expectFailure(.noOpsRole, verifier, token: try await hs256Token(userClaims { $0["app_metadata"] = ["ops_role": "root"] }))
        await expectFailure(.noOpsRole, verifier, token: try await hs256Token(userClaims { $0["app_metadata"] = ["ops_role": 2] }))
    }

    @Test(arguments: ["anon", "service_role"])
    func legacyAPIKeysAreNotUserTokens(role: String) async throws {
        let verifier = makeVerifier(clock: TestClock())
        let iat = Int(t0.timeIntervalSince1970) - 86_400
        let apiKey = try await hs256Token(["iss": "supabase", "ref": "abcdefghijklmnop", "role": role, "iat": iat, "exp": iat + 315_360_000])
        await expectFailure(.notAUserToken, verifier, token: apiKey)
    }

    @Test func subjectMustBeAUUID() async throws {
        let verifier = makeVerifier(clock: TestClock())
        await expectFailure(.badSubject, verifier, token: try await hs256Token(userClaims { $0["sub"] = "alice" }))
        await expectFailure(.badSubject, verifier, token: try await hs256Token(userClaims { $0["sub"] = nil }))
    }

    @Test func malformedTokens() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let good = try await hs256Token(userClaims())
        let parts = good.split(separator: ".").map(String.init)
        let hmac = try await SigningKey.hs256(secret)
        let cases = [
            parts[0] + "." + parts[1],  // two segments
            good + ".xyz",  // four segments
            "." + parts[1] + "." + parts[2],  // empty header
            parts[0] + ".AAAAA." + parts[2],  // bad base64 (length 4n+1)
            "e30x" + "." + parts[1] + "." + parts[2],  // header "{}" + junk: bad base64/JSON
            b64url(Array("not json".utf8)) + "." + parts[1] + "." + parts[2],  // bad header JSON
            b64url(Array(#"{"typ":"JWT"}"#.utf8)) + "." + parts[1] + "." + parts[2],  // no alg
            try token(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: "not json", signer: hmac),  // signed, bad payload JSON
            try token(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: #"{"exp":"soon"}"#, signer: hmac),  // wrong claim type
            try token(header: #"{"alg":"HS256","crit":["b64"]}"#, payload: json(userClaims()), signer: hmac),
            String(repeating: "a", count: 9000),
        ]
        for token in cases {
            await expectFailure(.malformedToken, verifier, token: token)
        }
        await expectFailure(.malformedToken, verifier, header: "Bearer \(good) \(good)")
        await expectFailure(.malformedToken, verifier, header: "Bearer")
        await expectFailure(.malformedToken, verifier, header: "Bearer ey+J/=")
    }

    @Test func missingOrNonBearerHeader() async throws {
        let verifier = makeVerifier(clock: TestClock())
        let good = try await hs256Token(userClaims())
        await expectFailure(.missingHeader, verifier, header: nil)
        await expectFailure(.missingHeader, verifier, header: "")
        await expectFailure(.missingHeader, verifier, header: "   ")
        await expectFailure(.missingHeader, verifier, header: "Basic dXNlcjpwYXNz")
        await expectFailure(.missingHeader, verifier, header: "Token \(good)")
        await expectFailure(.missingHeader, verifier, header: good)
    }

    // MARK: Keys over time

    @Test func keyRotationIsPickedUpWithoutRestart() async throws {
        let clock = TestClock()
        let old = try await SigningKey.es256()
        let new = try await SigningKey.rs256()
        let source = FakeJWKS(jwks(old))
        let verifier = makeVerifier(clock: clock, jwks: source)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: old))")

        clock.advance(60)
        source.serve(jwks(old, new))  // the standby key is published, then starts signing
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: new))")
        #expect(caller.id == userID)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: old))")
        #expect(source.fetches == 2)

        // The old key is revoked: once the cache expires it is no longer trusted.
        source.serve(jwks(new))
        clock.advance(601)
        await expectFailure(.unknownKey, verifier, token: try signed(userClaims(now: clock.now), with: old))
        #expect(source.fetches == 3)
    }

    @Test func unknownKidRefetchIsRateLimited() async throws {
        let clock = TestClock()
        let key = try await SigningKey.es256()
        let source = FakeJWKS(jwks(key))
        let verifier = makeVerifier(clock: clock, jwks: source)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: key))")
        #expect(source.fetches == 1)

        // Within the minimum refetch interval of the last fetch, unknown kids fetch nothing.
        for _ in 0..<50 {
            await expectFailure(.unknownKey, verifier, token: try signed(userClaims(now: clock.now), with: SigningKey.es256()))
        }
        #expect(source.fetches == 1)

        clock.advance(31)
        for _ in 0..<50 {
            await expectFailure(.unknownKey, verifier, token: try signed(userClaims(now: clock.now), with: SigningKey.es256()))
        }
        #expect(source.fetches == 2)
        // Known keys keep working throughout.
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: key))")
        #expect(source.fetches == 2)
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let key = try await SigningKey.es256()
        let source = FakeJWKS(jwks(key), delay: .milliseconds(100))
        let verifier = makeVerifier(clock: TestClock(), jwks: source)
        let token = try signed(userClaims(), with: key)
        try await withThrowingTaskGroup(of: Caller.self) { group in
            for _ in 0..<32 {
                group.addTask { try await verifier.authenticate(authorizationHeader: "Bearer \(token)") }
            }
            for try await caller in group { #expect(caller.id == userID) }
        }
        #expect(source.fetches == 1)
    }

    @Test func jwksOutage() async throws {
        let clock = TestClock()
        let key = try await SigningKey.es256()
        let source = FakeJWKS(jwks(key))
        source.fail(true)
        let verifier = makeVerifier(clock: clock, jwks: source)
        await expectFailure(.keysUnavailable, verifier, token: try signed(userClaims(now: clock.now), with: key))

        clock.advance(31)
        source.fail(false)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: key))")

        // A failed refresh keeps the cached keys until they expire, and not beyond.
        source.fail(true)
        clock.advance(300)
        await expectFailure(.unknownKey, verifier, token: try signed(userClaims(now: clock.now), with: SigningKey.es256()))
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: key))")
        clock.advance(301)
        await expectFailure(.keysUnavailable, verifier, token: try signed(userClaims(now: clock.now), with: key))
    }

    @Test func secretRotationNeedsNoRestart() async throws {
        let newSecret = "a-brand-new-secret-that-is-also-long-enough"
        let current = Mutex(secret)
        let verifier = makeVerifier(clock: TestClock(), secret: { current.withLock { $0 } })
        let oldToken = try await hs256Token(userClaims())
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(oldToken)")

        current.withLock { $0 = newSecret }
        await expectFailure(.badSignature, verifier, token: oldToken)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(hs256Token(userClaims(), secret: newSecret))")
    }

    @Test func secretStoreFailures() async throws {
        let token = try await hs256Token(userClaims())
        await expectFailure(.keysUnavailable, makeVerifier(clock: TestClock(), secret: { throw URLError(.timedOut) }), token: token)
        await expectFailure(.algorithmNotAllowed("HS256"), makeVerifier(clock: TestClock(), secret: { nil }), token: token)
        await expectFailure(.keysUnavailable, makeVerifier(clock: TestClock(), secret: { "short" }), token: token)
    }

    @Test func reasonsAreDistinct() {
        let all: [AuthFailure] = [
            .missingHeader, .malformedToken, .algorithmNotAllowed("x"), .unknownKey, .badSignature, .expired,
            .notYetValid, .issuedInFuture, .wrongIssuer, .wrongAudience, .notAUserToken, .badSubject, .noOpsRole,
            .keysUnavailable,
        ]
        #expect(Set(all.map(\.reason)).count == all.count)
        #expect(AuthFailure.badSignature.reason == "bad_signature")
    }
}

/// Fault 8: after Supabase rotates its signing key, a token with the new kid is accepted within
/// seconds (the default refetch bound), not after up to a minute; made-up kids still cost at
/// most one fetch per bound.
@Suite struct JWKSPromptRotationTests {
    @Test func aNewKidIsFetchedWithinTwoSecondsOfTheLastFetch() async throws {
        let clock = TestClock()
        let old = try await SigningKey.es256()
        let new = try await SigningKey.es256()
        let source = FakeJWKS(jwks(old))
        let verifier = makeVerifier(clock: clock, jwks: source)
        _ = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: old))")

        source.serve(jwks(old, new))
        clock.advance(1)
        await expectFailure(.unknownKey, verifier, token: try signed(userClaims(now: clock.now), with: new))
        #expect(source.fetches == 1, "within the bound: no fetch")
        clock.advance(1)
        let caller = try await verifier.authenticate(authorizationHeader: "Bearer \(signed(userClaims(now: clock.now), with: new))")
        #expect(caller.id == userID)
        #expect(source.fetches == 2)
        #expect(TokenVerifierSettings(issuer: issuer).minRefetchIntervalSeconds <= 5)
    }
}

extension Data {
    fileprivate init(base64URL text: Substring) {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        s += String(repeating: "=", count: (4 - s.count % 4) % 4)
        self = Data(base64Encoded: s)!
    }
}
