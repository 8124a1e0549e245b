import Crypto
import Foundation

/// The embedded vault: an AES-256-GCM sealed file (see `SealedSecretStore`) and, in a separate
/// file, its key. Both must be 0600 or stricter; both are created 0600.
///
/// Reads are served from the last decrypted snapshot while the store file's fingerprint (inode,
/// size, mtime, ctime) is unchanged, so the cache's refresh costs one `stat`. When the fingerprint
/// moves, the file is re-read; a content hash equal to the snapshot's skips the decryption.
/// Writes (the CLI, possibly another process) take `<store>.lock`, re-read the file, and replace
/// it atomically.
final class FileSecretBackend: SecretBackend {
    let storePath: String
    let keyPath: String
    private let key: SymmetricKey
    private let snapshot = VaultLocked<Snapshot?>(nil)

    private struct Snapshot {
        var fingerprint: FileFingerprint
        var digest: SHA256Digest
        var contents: SecretStoreContents
    }

    /// Opens the store, creating a fresh key and an empty store when both are missing and
    /// `createIfMissing` is set. A store without its key is an error, never a reason to make a
    /// new key: that would silently orphan every secret in it.
    init(storePath: String, keyPath: String, createIfMissing: Bool = true) throws(SecretError) {
        self.storePath = storePath
        self.keyPath = keyPath
        let storeExists = try SecretFileIO.fingerprint(storePath) != nil

        if let key = try SecretStoreKey.load(from: keyPath) {
            self.key = key
        } else if storeExists {
            throw .unavailable("\(storePath) exists but its key file \(keyPath) does not; the store cannot be read without it")
        } else if createIfMissing {
            try SecretFileIO.ensureDirectory(of: keyPath)
            self.key = try SecretStoreKey.create(at: keyPath)
        } else {
            throw .unavailable("key file \(keyPath) does not exist")
        }

        if !storeExists {
            guard createIfMissing else { throw .unavailable("store file \(storePath) does not exist") }
            try SecretFileIO.ensureDirectory(of: storePath)
            try SecretFileIO.withExclusiveLock(for: storePath) { () throws(SecretError) in
                if try SecretFileIO.fingerprint(storePath) == nil {
                    try SecretFileIO.createExclusive(storePath, data: SealedSecretStore.seal(SecretStoreContents(), with: key))
                }
            }
        }
        _ = try current()  // fail now, not on the first request, on a wrong key or loose mode
    }

    func read(_ name: String) throws(SecretError) -> (value: String, version: String)? {
        try SecretName.validate(name)
        guard let entry = try current().secrets[name] else { return nil }
        return (entry.value, entry.version)
    }

    func versions(of names: [String]) throws(SecretError) -> [String: String] {
        let secrets = try current().secrets
        var versions: [String: String] = [:]
        for name in names { if let entry = secrets[name] { versions[name] = entry.version } }
        return versions
    }

    func list() throws(SecretError) -> [SecretListing] {
        try current().secrets
            .map { SecretListing(name: $0.key, updatedAt: Self.date(from: $0.value.updatedAt)) }
            .sorted { $0.name < $1.name }
    }

    func set(_ name: String, value: String) throws(SecretError) {
        try SecretName.validate(name)
        try modify { contents in
            contents.secrets[name] = .init(value: value, updatedAt: Self.timestamp(), version: UUID().uuidString.lowercased())
            return ()
        }
    }

    func remove(_ name: String) throws(SecretError) -> Bool {
        try SecretName.validate(name)
        return try modify { contents in contents.secrets.removeValue(forKey: name) != nil }
    }

    // MARK: - Snapshot

    /// The store as it is on disk now, decrypting only when the file changed.
    private func current() throws(SecretError) -> SecretStoreContents {
        try snapshot.withLock { (snapshot: inout Snapshot?) throws(SecretError) -> SecretStoreContents in
            guard let fingerprint = try SecretFileIO.fingerprint(storePath) else {
                throw .unavailable("store file \(storePath) does not exist")
            }
            if let snapshot, snapshot.fingerprint == fingerprint { return snapshot.contents }
            let fresh = try load(reusing: snapshot)
            snapshot = fresh
            return fresh.contents
        }
    }

    private func load(reusing previous: Snapshot?) throws(SecretError) -> Snapshot {
        guard let (data, fingerprint) = try SecretFileIO.read(storePath) else {
            throw .unavailable("store file \(storePath) does not exist")
        }
        let digest = SHA256.hash(data: data)
        if let previous, previous.digest == digest {
            return Snapshot(fingerprint: fingerprint, digest: digest, contents: previous.contents)
        }
        let contents = try SealedSecretStore.open(data, with: key, path: storePath, keyPath: keyPath)
        return Snapshot(fingerprint: fingerprint, digest: digest, contents: contents)
    }

    /// Read-modify-write under the cross-process lock, from the file itself rather than the
    /// snapshot, so a concurrent writer's change is never overwritten.
    private func modify<T>(_ change: (inout SecretStoreContents) -> T) throws(SecretError) -> T {
        try SecretFileIO.withExclusiveLock(for: storePath) { () throws(SecretError) -> T in
            var contents = try load(reusing: nil).contents
            let result = change(&contents)
            try SecretFileIO.replaceAtomically(storePath, data: SealedSecretStore.seal(contents, with: key))
            return result
        }
    }

    // MARK: - Timestamps

    /// ISO 8601 UTC with milliseconds. A formatter per call: it is not Sendable, and writes are rare.
    private static func timestamp() -> String { formatter().string(from: Date()) }

    private static func date(from text: String) -> Date { formatter().date(from: text) ?? Date(timeIntervalSince1970: 0) }

    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
