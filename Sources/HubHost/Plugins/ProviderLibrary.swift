import Crypto
import Foundation
import ProviderABI

/// A provider's shared library, copied to a content-addressed path and opened.
///
/// Why copy: glibc's dlopen returns the cached handle for a path (or inode) it has already
/// opened, so re-opening a replaced .so at the same path would give the old code. A private copy
/// named by its sha256 is immutable, so "same name" always means "same code".
///
/// There is no close: the Swift runtime registers type metadata from every image it sees and
/// cannot unload it (swiftlang/swift#75889), so a library stays mapped until the process exits.
/// Hot reload loads the new content under its new name instead.
struct ProviderLibrary: Sendable {
    let sourcePath: String
    let sha256: String
    let loadedPath: String
    /// dlopen's handle; never closed (see above).
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    static func open(
        provider: String, path: String, pinnedSHA256: String?, cacheDirectory: String
    ) throws(PluginLoadError) -> ProviderLibrary {
        func failure(_ check: PluginLoadError.Check, _ message: String) -> PluginLoadError {
            PluginLoadError(provider: provider, library: path, check: check, message: message)
        }
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw failure(.open, "cannot read the library: \(error.localizedDescription)")
        }
        let digest = SHA256.hash(data: contents).map { String(format: "%02x", $0) }.joined()
        if let pinnedSHA256, pinnedSHA256 != digest {
            throw failure(.checksum, "the library's sha256 is \(digest), the config pins \(pinnedSHA256)")
        }
        if let problem = ELFCompleteness.problem(in: contents) {
            throw failure(.open, "not loaded: \(problem)")
        }
        let loadedPath: String
        do {
            loadedPath = try ContentAddressedCopy.place(contents, digest: digest, name: provider, in: cacheDirectory)
        } catch {
            throw failure(.copy, "cannot copy it to \(cacheDirectory): \(error)")
        }
        guard let handle = dlopen(loadedPath, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw failure(.open, "dlopen failed: \(reason)")
        }
        return ProviderLibrary(sourcePath: path, sha256: digest, loadedPath: loadedPath, handle: handle)
    }

    /// Resolves an exported C symbol.
    func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(handle, name)
    }
}

/// Writes a library to `<dir>/<name>-<sha256>.so`: write a temporary file, fsync, make it
/// read-only, rename. An existing copy with that name already has that content.
enum ContentAddressedCopy {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func place(_ contents: Data, digest: String, name: String, in directory: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = "\(directory)/\(name)-\(digest).so"
        if FileManager.default.fileExists(atPath: target) { return target }
        let temporary = "\(target).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure(description: "open \(temporary): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = contents.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == contents.count, fsync(fd) == 0, fchmod(fd, 0o444) == 0 else {
            unlink(temporary)
            throw Failure(description: "write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw Failure(description: "rename to \(target): \(String(cString: strerror(errno)))")
        }
        return target
    }
}
