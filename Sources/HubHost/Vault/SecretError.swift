/// Why a secret could not be read or written.
///
/// Every message names secrets, files and causes, never a secret's value: these errors end up in
/// logs, audit events and HTTP replies. The host maps them onto the wire: `denied` becomes
/// `HUB_E_DENIED` (and is audited), `unavailable` becomes 503 `unavailable`.
enum SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider's scope does not grant this name.
    case denied(name: String)
    /// No secret of this name exists in the vault.
    case notFound(name: String)
    /// The vault cannot be reached or read right now (database down, store file missing, …).
    case unavailable(String)
    /// The name is not of the form `^[a-z][a-z0-9_]{0,127}$`.
    case invalidName(String)
    /// A store or key file is open to group or others; `mode` is octal, e.g. "0644".
    case insecurePermissions(path: String, mode: String)
    /// The store cannot be decrypted or decoded: wrong key, tampering, or damage.
    case corrupt(String)

    var description: String {
        switch self {
        case .denied(let name):
            "secret '\(name)' is not granted to this provider (vault_key / vault_prefix)"
        case .notFound(let name):
            "secret '\(name)' does not exist in the vault"
        case .unavailable(let reason):
            "vault unavailable: \(reason)"
        case .invalidName(let name):
            "invalid secret name '\(name)': names match ^[a-z][a-z0-9_]{0,127}$"
        case .insecurePermissions(let path, let mode):
            "refusing to open \(path): its mode is \(mode), which lets group or others read or write it; "
                + "run `chmod 600 \(path)` (0600 or stricter is required)"
        case .corrupt(let reason):
            "vault store unreadable: \(reason)"
        }
    }
}
