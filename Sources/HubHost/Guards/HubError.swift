/// A request that ends without a tool result, carrying everything the HTTP reply and the audit
/// event need. `message` is shown to the caller; `reason` is for the audit trail only (it may say
/// more, e.g. which JWT check failed, than is wise to tell an unauthenticated caller).
struct HubError: Error, Sendable {
    enum Code: String, Sendable {
        case invalidInput = "invalid_input"
        case unauthenticated
        case forbidden
        case notFound = "not_found"
        /// The path exists, the method does not (405, with `Allow`).
        case methodNotAllowed = "method_not_allowed"
        case rateLimited = "rate_limited"
        case upstreamError = "upstream_error"
        case unavailable
        case timeout
        case `internal`
        /// The caller withdrew the call. Never sent (the caller has gone or asked for no answer);
        /// it exists so the audit row says `cancelled`.
        case cancelled

        var httpStatus: Int {
            switch self {
            case .invalidInput: 400
            case .unauthenticated: 401
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .rateLimited: 429
            case .upstreamError: 502
            case .unavailable: 503
            case .timeout: 504
            case .internal: 500
            case .cancelled: 499
            }
        }
    }

    var code: Code
    var message: String
    /// The stage that ended the request.
    var stage: Stage
    /// What the audit row records as the error; defaults to `message`.
    var reason: String?
    var headers: [(name: String, value: String)] = []
    /// Hosts the provider reached before it failed, for the audit row.
    var hostsContacted: [String] = []

    init(_ code: Code, _ message: String, stage: Stage, reason: String? = nil, headers: [(name: String, value: String)] = []) {
        self.code = code
        self.message = message
        self.stage = stage
        self.reason = reason
        self.headers = headers
    }

    /// The audit status: refusals before the provider ran are `denied`; what happened inside is
    /// `error` or `timeout`.
    var auditStatus: AuditStatus {
        switch code {
        case .rateLimited: .rateLimited
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .unauthenticated, .forbidden: .denied
        case .invalidInput, .notFound, .methodNotAllowed: stage == .invoke ? .error : .denied
        case .upstreamError, .unavailable, .internal: .error
        }
    }
}

/// The stages of the request path, in order; names as recorded in the audit trail.
enum Stage: String, Sendable {
    case authenticate, resolve, authorize, rateLimit = "rate_limit", validate, invoke, audit
}

/// The message alone: what `mcp-hub events` prints for a bad filter, and what a log line shows,
/// rather than Swift's field-by-field rendering of the struct.
extension HubError: CustomStringConvertible {
    var description: String { message }
}
