import Foundation

extension ProviderError {
    /// The error with every occurrence of `secret` replaced by `[redacted]`.
    ///
    /// An upstream can echo what it was sent (a token in an error body, a key in a URL), and the
    /// message goes to the caller and the audit row. The host scrubs the vault values it handed
    /// out as well; this covers what the host cannot know is secret, such as a part of a secret
    /// (a DSN's public key). Secrets shorter than 4 characters are left alone: replacing them
    /// would mangle ordinary words and hide nothing.
    public func redacting(_ secret: String) -> ProviderError {
        guard secret.count >= 4, message.contains(secret) else { return self }
        return withMessage(message.replacingOccurrences(of: secret, with: "[redacted]"))
    }
}
