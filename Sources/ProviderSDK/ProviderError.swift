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

    var status: hub_status {
        switch self {
        case .invalidInput: HUB_E_ARGS
        case .upstream: HUB_E_UPSTREAM
        case .denied: HUB_E_DENIED
        case .notFound: HUB_E_NOT_FOUND
        case .unavailable: HUB_E_UNAVAILABLE
        case .timeout: HUB_E_TIMEOUT
        case .internal: HUB_E_INTERNAL
        }
    }

    /// The words a caller sees (in the error reply and the audit row). Never holds a secret: see
    /// `redacting(_:)` for text that came from an upstream.
    public var message: String {
        switch self {
        case .invalidInput(let m), .upstream(let m), .denied(let m), .notFound(let m),
            .unavailable(let m), .timeout(let m), .internal(let m):
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
        default: self = .internal(message)
        }
    }
}
