import Foundation
/// What a tool throws to fail a call. Each case maps to one ABI status and so to one HTTP error
/// code; the message is shown to the caller, so it must never contain a secret.
public enum ProviderError: Error, Sendable, Equatable {
    /// The input is wrong in a way the schema could not express (HTTP 400).
    case invalidInput(String)
    /// The upstream service failed or answered with an error (HTTP 502).
    case upstream(String)
    /// The host refused something the provider asked for (HTTP 403).
    case denied(String)
    /// The object asked for does not exist upstream (HTTP 404).
    case notFound(String)
    /// A dependency is unavailable right now (HTTP 503).
    case unavailable(String)
    /// The deadline passed (HTTP 504).
    case timeout(String)
    /// A bug or an unexpected state in the provider (HTTP 500).
    case `internal`(String)
    /// The upstream throttled the call (its own 429): HTTP 429 with `Retry-After` when known.
    /// The hub words it as the vendor's limit, not its own. (ABI 1.1)
    case upstreamRateLimited(String, retryAfterSeconds: Int?)
    /// The upstream is unavailable (its own 503) and said when to retry: HTTP 503 with
    /// `Retry-After`. (ABI 1.1)
    case upstreamUnavailable(String, retryAfterSeconds: Int?)
    /// The upstream rejected the credential the provider sent (its 401/403): HTTP 502, and the hub
    /// names the vault secret an admin should check. (ABI 1.1)
    case upstreamRejectedCredential(String)

    var status: hub_status {
        switch self {
        case .invalidInput: HUB_E_ARGS
        case .upstream: HUB_E_UPSTREAM
        case .denied: HUB_E_DENIED
        case .notFound: HUB_E_NOT_FOUND
        case .unavailable: HUB_E_UNAVAILABLE
        case .timeout: HUB_E_TIMEOUT
        case .internal: HUB_E_INTERNAL
        case .upstreamRateLimited: HUB_E_RATE_LIMITED
        case .upstreamUnavailable: HUB_E_UNAVAILABLE
        case .upstreamRejectedCredential: HUB_E_UPSTREAM_AUTH
        }
    }

    /// Seconds the caller should wait, passed to the host with `set_retry_after`.
    var retryAfterSeconds: Int? {
        switch self {
        case .upstreamRateLimited(_, let seconds), .upstreamUnavailable(_, let seconds): seconds
        default: nil
        }
    }

    /// The words a caller sees (in the error reply and the audit row). Never holds a secret: see
    /// `redacting(_:)` for text that came from an upstream.
    public var message: String {
        switch self {
        case .invalidInput(let m), .upstream(let m), .denied(let m), .notFound(let m),
            .unavailable(let m), .timeout(let m), .internal(let m), .upstreamRateLimited(let m, _),
            .upstreamUnavailable(let m, _), .upstreamRejectedCredential(let m):
            m
        }
    }

    /// The same kind of error with other words: keeps the HTTP code while the text changes.
    public func withMessage(_ message: String) -> ProviderError {
        switch self {
        case .invalidInput: .invalidInput(message)
        case .upstream: .upstream(message)
        case .denied: .denied(message)
        case .notFound: .notFound(message)
        case .unavailable: .unavailable(message)
        case .timeout: .timeout(message)
        case .internal: .internal(message)
        case .upstreamRateLimited(_, let seconds): .upstreamRateLimited(message, retryAfterSeconds: seconds)
        case .upstreamUnavailable(_, let seconds): .upstreamUnavailable(message, retryAfterSeconds: seconds)
        case .upstreamRejectedCredential: .upstreamRejectedCredential(message)
        }
    }

    /// Rebuilds the error a host function reported, so a provider can rethrow it unchanged.
    init(status: hub_status, message: String) {
        switch status {
        case HUB_E_ARGS: self = .invalidInput(message)
        case HUB_E_DENIED: self = .denied(message)
        case HUB_E_UPSTREAM: self = .upstream(message)
        case HUB_E_TIMEOUT: self = .timeout(message)
        case HUB_E_UNAVAILABLE: self = .unavailable(message)
        case HUB_E_NOT_FOUND: self = .notFound(message)
        case HUB_E_RATE_LIMITED: self = .upstreamRateLimited(message, retryAfterSeconds: nil)
        case HUB_E_UPSTREAM_AUTH: self = .upstreamRejectedCredential(message)
        default: self = .internal(message)
        }
    }
}

extension ProviderError {
    /// The error an upstream's non-2xx status means, with the caller's words: 401/403 a rejected
    /// credential, 404 not found, 429 the vendor's rate limit and 503 unavailable (both with the
    /// upstream's `Retry-After` in seconds when it sent one), anything else an upstream error.
    public static func upstreamStatus(_ status: Int, retryAfter: String?, message: String) -> ProviderError {
        let seconds = retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) }
        switch status {
        case 401, 403: return .upstreamRejectedCredential(message)
        case 404: return .notFound(message)
        case 429: return .upstreamRateLimited(message, retryAfterSeconds: seconds)
        case 503: return .upstreamUnavailable(message, retryAfterSeconds: seconds)
        default: return .upstream(message)
        }
    }

    /// `upstreamStatus` for a whole response: its status and its `Retry-After` (or `retryAfter`,
    /// for a vendor that says it another way). Every provider maps upstream failures through
    /// this one function, so a vendor's 429 is the vendor's limit with its wait, and its
    /// 401/403 points the admin at the vault secret, the same way for all of them.
    public static func upstream(_ response: HTTPResponse, message: String, retryAfter: String? = nil) -> ProviderError {
        upstreamStatus(response.status, retryAfter: retryAfter ?? response.header("retry-after"), message: message)
    }
}
