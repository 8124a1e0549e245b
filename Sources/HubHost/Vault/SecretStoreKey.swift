import Crypto
import Foundation

/// The 256-bit AES key of a file-backed vault, kept in its own file (base64, one line, 0600).
///
/// The key lives apart from the store so that a copy of the store alone (a backup, a stray
/// `scp`) reveals nothing; keep the two on different backup schedules.
enum SecretStoreKey {
    static func load(from path: String) throws(SecretError) -> SymmetricKey? {
        guard let (data, _) = try SecretFileIO.read(path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw .corrupt("key file \(path) must hold the base64 of exactly 32 bytes (a 256-bit key)")
        }
        return SymmetricKey(data: bytes)
    }

    /// Creates a fresh key from the system CSPRNG (swift-crypto draws from BoringSSL's
    /// `RAND_bytes`, seeded by `getrandom`). Fails if the file appeared meanwhile.
    static func create(at path: String) throws(SecretError) -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        try SecretFileIO.createExclusive(path, data: Data(text.utf8))
        return key
    }
}
