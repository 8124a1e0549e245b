/// Why an outbound request failed. Messages are shown to providers and written to the audit
/// log, so they name the URL, host, address or header *name* involved, and never a header value
/// or a query string: either can carry a credential.
enum EgressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy refused the request (or a redirect hop) before anything was sent for it.
    case refused(String)
    /// The call's deadline passed before the response was complete.
    case timeout
    /// The response body was larger than `EgressPolicy.maxResponseBytes`; the transfer was cut.
    case responseTooLarge(limit: Int)
    /// The request could not be completed: resolution, connection, TLS, protocol, cancellation.
    case transport(String)

    var description: String {
        switch self {
        case .refused(let reason): "egress refused: \(reason)"
        case .timeout: "egress timed out: the call's deadline passed"
        case .responseTooLarge(let limit): "egress response larger than the \(limit)-byte limit (max_response_bytes)"
        case .transport(let reason): "egress failed: \(reason)"
        }
    }
}
