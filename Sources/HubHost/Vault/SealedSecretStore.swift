import Crypto
import Foundation

/// The decrypted content of a file-backed vault.
struct SecretStoreContents: Codable, Sendable, Equatable {
    struct Entry: Codable, Sendable, Equatable {
        var value: String
        /// ISO 8601 with milliseconds, for `list`.
        var updatedAt: String
        /// A fresh random token per write. `updatedAt` alone could repeat within a millisecond,
        /// or after a remove-and-recreate, and the cache would then miss the change.
        var version: String

        enum CodingKeys: String, CodingKey {
            case value
            case updatedAt = "updated_at"
            case version
        }
    }

    var secrets: [String: Entry] = [:]
}

/// The on-disk form of a file-backed vault: one AES-256-GCM box over the whole JSON document.
///
/// ```json
/// {"format":"mcp-hub-secrets","version":1,"sealed":"<base64: 12-byte nonce | ciphertext | 16-byte tag>"}
/// ```
/// Sealing the whole document rather than each entry hides the names too, and makes it impossible
/// to swap, drop or replay single entries: any edit fails authentication. The header is bound in
/// as additional authenticated data so the format version cannot be altered either. Every write
/// draws a fresh random nonce; at a few writes per day the 2^32 random-nonce limit is far away.
enum SealedSecretStore {
    static let format = "mcp-hub-secrets"
    static let version = 1
    private static var associatedData: Data { Data("\(format)/\(version)".utf8) }

    private struct Envelope: Codable {
        var format: String
        var version: Int
        var sealed: String
    }

    static func seal(_ contents: SecretStoreContents, with key: SymmetricKey) throws(SecretError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let plaintext = try encoder.encode(contents)
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData)
            guard let combined = box.combined else { throw SecretError.corrupt("AES-GCM produced no combined box") }
            let envelope = Envelope(format: format, version: version, sealed: combined.base64EncodedString())
            return try encoder.encode(envelope) + Data("\n".utf8)
        } catch let error as SecretError {
            throw error
        } catch {
            throw .corrupt("cannot seal the store: \(error)")
        }
    }

    /// Decrypts and decodes a store file; `path` and `keyPath` only name things in errors.
    static func open(_ data: Data, with key: SymmetricKey, path: String, keyPath: String) throws(SecretError) -> SecretStoreContents {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data), envelope.format == format else {
            throw .corrupt("\(path) is not an mcp-hub secret store")
        }
        guard envelope.version == version else {
            throw .corrupt("\(path) has store format version \(envelope.version); this hub reads version \(version)")
        }
        guard let combined = Data(base64Encoded: envelope.sealed), let box = try? AES.GCM.SealedBox(combined: combined) else {
            throw .corrupt("\(path) has a damaged sealed box")
        }
        guard let plaintext = try? AES.GCM.open(box, using: key, authenticating: associatedData) else {
            throw .corrupt("\(path) cannot be decrypted with the key in \(keyPath): wrong key, or the file was altered")
        }
        guard let contents = try? JSONDecoder().decode(SecretStoreContents.self, from: plaintext) else {
            throw .corrupt("\(path) decrypted but its content is not a valid store document")
        }
        return contents
    }
}
