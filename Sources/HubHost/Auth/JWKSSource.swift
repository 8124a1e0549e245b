/// Where the verifier gets the project's JSON Web Key Set
/// (`GET https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`).
///
/// The hub implements this over its own egress client, which owns timeouts and TLS; keeping
/// it a protocol lets tests serve key sets from memory and count fetches.
protocol JWKSSource: Sendable {
    /// The raw JWKS document. Throwing means "unavailable right now".
    func fetchJWKS() async throws -> [UInt8]
}
