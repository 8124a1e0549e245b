/// Why a request was not authenticated.
///
/// The HTTP layer answers every case with the same 401 body, so the distinction is only for
/// the audit row (`reason`) and for tests; nothing here reaches the client.
enum AuthFailure: Error, Sendable, Equatable {
    case missingHeader
    case malformedToken
    /// The header's `alg` is not on the allow-list (always the case for `none`), or does not
    /// fit the key the token points at.
    case algorithmNotAllowed(String)
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case issuedInFuture
    case wrongIssuer
    case wrongAudience
    /// `role` is not `authenticated`: the legacy anon/service_role keys land here.
    case notAUserToken
    case badSubject
    /// `app_metadata.ops_role` is missing or not a known role. `user_metadata` never counts:
    /// users can edit it themselves.
    case noOpsRole
    /// The keys could not be obtained (JWKS unreachable or unparsable, secret store failing).
    case keysUnavailable

    /// A short, stable, machine-readable string for the audit row.
    var reason: String {
        switch self {
        case .missingHeader: "missing_header"
        case .malformedToken: "malformed_token"
        case .algorithmNotAllowed: "algorithm_not_allowed"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .issuedInFuture: "issued_in_future"
        case .wrongIssuer: "wrong_issuer"
        case .wrongAudience: "wrong_audience"
        case .notAUserToken: "not_a_user_token"
        case .badSubject: "bad_subject"
        case .noOpsRole: "no_ops_role"
        case .keysUnavailable: "keys_unavailable"
        }
    }
}
