import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing
@testable import HubHost

/// ES256 tokens checked against a JWKS that the hub fetches through its own egress — TLS to the
/// real Supabase host name, verified against the test CA, routed to a loopback fake by
/// `connect_to` — and keys rotated at the fake while the hub keeps running.
@Suite struct JWKSRotationTests {
    static let jwksPath = "/auth/v1/.well-known/jwks.json"
    static let jwksURL = "https://abc.supabase.co" + jwksPath

    /// A hub that trusts the fake's JWKS. `jwks_cache_seconds: 1` keeps the test fast: the hub
    /// then refetches at most once a second, so a rotated-in key is live after a short pause.
    static func hub(fake: TLSFake, jwksURL: String = jwksURL, routeToFake: Bool = true) throws -> TestHub {
        let certificates = try TestCertificates.shared()
        let connectTo = routeToFake ? "    connect_to: [\"abc.supabase.co:443:127.0.0.1:\(fake.port)\"]\n" : ""
        return try TestHub(
            providers: ProviderYAML.template(),
            hubExtra: "  egress:\n" + connectTo + "    ca_file: \(certificates.caFile)\n",
            authExtra: "    jwks_url: \(jwksURL)\n    jwks_cache_seconds: 1\n")
    }

    static func call(_ client: some TestClientProtocol, token: String) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "application/json"
        return try await client.execute(
            uri: "/providers/template/echo", method: .post, headers: headers, body: ByteBuffer(string: #"{"message":"hi"}"#))
    }

    /// Longer than the hub's one-second JWKS lifetime, so the next token refetches. Not a
    /// timing assertion: nothing is checked about how long anything took.
    static func outlastTheJWKSCache() async throws { try await Task.sleep(for: .milliseconds(1500)) }

    @Test func es256TokensAreAcceptedAndRotatedKeysPickedUpWithoutRestart() async throws {
        let fake = try await Blocking.run { try TLSFake() }  // waits for python: off the cooperative pool
        let old = try await ES256SigningKey()
        try fake.serveJWKS(ES256SigningKey.jwks([old]))
        let hub = try Self.hub(fake: fake)
        let sub = UUID().uuidString.lowercased()

        try await hub.application.test(.router) { client in
            let first = try await Self.call(client, token: try old.token(sub: sub, role: "ops_viewer"))
            #expect(first.status == .ok)
            #expect(try JSONValue.parse(String(buffer: first.body)) == ["greeting": "hello", "message": "hi"])
            #expect(try fake.requests(to: Self.jwksPath) >= 1, "the key set came from the fake, through egress")

            // Rotation, as Supabase does it: the new key is published (standby) next to the old.
            let new = try await ES256SigningKey()
            try fake.serveJWKS(ES256SigningKey.jwks([old, new]))
            try await Self.outlastTheJWKSCache()
            let rotated = try await Self.call(client, token: try new.token(sub: sub, role: "ops_viewer"))
            #expect(rotated.status == .ok, "a token signed by the new kid is accepted without a restart")
            #expect(try await Self.call(client, token: try old.token(sub: sub, role: "ops_viewer")).status == .ok,
                    "during the rotation both keys are trusted")

            // The old key is revoked: its tokens stop working once the cache turns over.
            try fake.serveJWKS(ES256SigningKey.jwks([new]))
            try await Self.outlastTheJWKSCache()
            #expect(try await Self.call(client, token: try old.token(sub: sub, role: "ops_viewer")).status == .unauthorized)
            #expect(try await Self.call(client, token: try new.token(sub: sub, role: "ops_viewer")).status == .ok)
        }
        let events = try await hub.events()
        #expect(events.filter { $0.status == .ok }.count == 4)
        #expect(events.first?.callerId == sub)
    }

    @Test func anUnknownKidIsRefusedWith401() async throws {
        let fake = try await Blocking.run { try TLSFake() }  // waits for python: off the cooperative pool
        let published = try await ES256SigningKey()
        let stranger = try await ES256SigningKey()
        try fake.serveJWKS(ES256SigningKey.jwks([published]))
        let hub = try Self.hub(fake: fake)
        try await hub.application.test(.router) { client in
            let refused = try await Self.call(client, token: try stranger.token(sub: UUID().uuidString, role: "ops_admin"))
            #expect(refused.status == .unauthorized)
            #expect(try JSONValue.parse(String(buffer: refused.body))["error"]?["code"] == "unauthenticated")
            // The control case: the same hub accepts the published key, so the refusal is the kid's.
            #expect(try await Self.call(client, token: try published.token(sub: UUID().uuidString, role: "ops_admin")).status == .ok)
        }
        let refusal = try #require(try await hub.events().last)
        #expect(refusal.status == .denied && refusal.stage == "authenticate")
        #expect(refusal.error == "authentication failed: unknown_key")
    }

    /// `localhost` is in the fake's certificate, so only the SSRF policy stands between the hub
    /// and the fake: the JWKS host resolves to loopback and egress refuses before connecting.
    @Test func aJWKSHostOnAPrivateAddressIsRefusedByEgress() async throws {
        let fake = try await Blocking.run { try TLSFake() }  // waits for python: off the cooperative pool
        let key = try await ES256SigningKey()
        try fake.serveJWKS(ES256SigningKey.jwks([key]))
        let hub = try Self.hub(fake: fake, jwksURL: "https://localhost:\(fake.port)\(Self.jwksPath)", routeToFake: false)
        try await hub.application.test(.router) { client in
            let response = try await Self.call(client, token: try key.token(sub: UUID().uuidString, role: "ops_viewer"))
            #expect(response.status == .unauthorized)
        }
        #expect(try fake.stats().connections == 0, "egress refused before opening a connection")
        #expect(try await hub.events().first?.error == "authentication failed: keys_unavailable")
    }
}

/// A P-256 signing key made for one test, with its public JWK as Supabase publishes it.
struct ES256SigningKey: Sendable {
    let kid = UUID().uuidString.lowercased()
    let publicJWK: String
    private let signer: any JWTAlgorithm

    init() async throws {
        let key = ES256PrivateKey()
        guard let (x, y) = key.publicKey.parameters else { throw FixtureError("no P-256 parameters") }
        publicJWK = #"{"kty":"EC","crv":"P-256","alg":"ES256","kid":"\#(kid)","use":"sig","key_ops":["verify"],"x":"\#(x)","y":"\#(y)"}"#
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        signer = try await keys.getKey()
    }

    static func jwks(_ keys: [ES256SigningKey]) -> String {
        #"{"keys":[\#(keys.map(\.publicJWK).joined(separator: ","))]}"#
    }

    /// A Supabase user access token for the hub under test (`TestHub.issuer`), naming this key.
    func token(sub: String, role: String) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let header = #"{"alg":"ES256","kid":"\#(kid)","typ":"JWT"}"#
        let claims = """
            {"iss":"\(TestHub.issuer)","sub":"\(sub.lowercased())","aud":"authenticated","exp":\(now + 600),"iat":\(now),\
            "role":"authenticated","app_metadata":{"ops_role":"\(role)"},"user_metadata":{}}
            """
        let input = Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(claims.utf8))
        return input + "." + Self.base64URL(try signer.sign(Array(input.utf8)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
