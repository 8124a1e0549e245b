/// Establishes who is calling from the `Authorization` header.
struct Authenticate: RequestStage {
    let verifier: any CallerAuthenticator

    func apply(to request: inout ToolRequest) async throws(HubError) {
        // A door that had to know the caller before it could route (MCP verifies the token
        // before reading the method) hands over the caller it verified from this very request's
        // Authorization header, so the token is not verified twice.
        if let caller = request.origin.verifiedCaller {
            request.caller = caller
            return
        }
        request.caller = try await verifier.caller(forAuthorization: request.authorization)
    }
}

/// Turns an Authorization header into a caller, or refuses with 401. Every refusal gives the
/// caller the same words; the audit reason says which check failed.
protocol CallerAuthenticator: Sendable {
    func caller(forAuthorization header: String?) async throws(HubError) -> Caller
}

extension TokenVerifier: CallerAuthenticator {
    func caller(forAuthorization header: String?) async throws(HubError) -> Caller {
        do {
            return try await authenticate(authorizationHeader: header)
        } catch {
            throw HubError(
                .unauthenticated, "a valid bearer token is required", stage: .authenticate,
                reason: "authentication failed: \(error.reason)",
                headers: [(name: "WWW-Authenticate", value: "Bearer")])
        }
    }
}
