import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one version of a file without reading it: a rewrite by rename changes the
/// inode, an in-place edit changes the size or the nanosecond mtime/ctime.
struct FileFingerprint: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64  // nanoseconds
    var changed: Int64   // nanoseconds
}

/// The POSIX file handling the file-backed vault needs: permission-checked reads, exclusive
/// creation and atomic replacement. Everything here is created 0600 and refused when group or
/// others have any access, because the store and its key are the whole of the vault's security.
enum SecretFileIO {
    /// Group and other permission bits: any of them set means someone else can read or write.
    static let foreignAccessBits: mode_t = 0o077

    /// Stats `path` and checks its mode; nil when it does not exist.
    static func fingerprint(_ path: String) throws(SecretError) -> FileFingerprint? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .unavailable("cannot stat \(path): \(errnoText())")
        }
        try checkMode(info, path: path)
        return fingerprint(of: info)
    }

    /// Reads the whole file, checking its mode on the open descriptor (not the path) so the
    /// checked file is the file read. Nil when it does not exist.
    static func read(_ path: String) throws(SecretError) -> (data: Data, fingerprint: FileFingerprint)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .unavailable("cannot open \(path): \(errnoText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unavailable("cannot stat \(path): \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .corrupt("\(path) is not a regular file") }
        try checkMode(info, path: path)

        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unavailable("cannot read \(path): \(errnoText())")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return (data, fingerprint(of: info))
    }

    /// Creates `path` with `data`, mode 0600, failing if it already exists (two processes racing
    /// to create a key must not both win).
    static func createExclusive(_ path: String, data: Data) throws(SecretError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unavailable("cannot create \(path): \(errnoText())") }
        do throws(SecretError) {
            try writeAll(fd, data, path: path)
            guard fsync(fd) == 0 else { throw SecretError.unavailable("cannot fsync \(path): \(errnoText())") }
            close(fd)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        try syncDirectory(of: path)
    }

    /// Replaces `path` with `data` atomically: a reader sees the old file or the new one, never
    /// a mix, and a crash leaves one of them on disk (temp 0600 → fsync → rename → fsync dir).
    static func replaceAtomically(_ path: String, data: Data) throws(SecretError) {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(base).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unavailable("cannot create \(temporary): \(errnoText())") }
        do throws(SecretError) {
            try writeAll(fd, data, path: temporary)
            guard fsync(fd) == 0 else { throw SecretError.unavailable("cannot fsync \(temporary): \(errnoText())") }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw .unavailable("cannot rename \(temporary) to \(path): \(reason)")
        }
        try syncDirectory(of: path)
    }

    /// Runs `body` holding an exclusive `flock` on `<path>.lock`, so two `secrets set` processes
    /// cannot both read the old store and lose one another's write.
    static func withExclusiveLock<T>(for path: String, _ body: () throws(SecretError) -> T) throws(SecretError) -> T {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unavailable("cannot open \(lockPath): \(errnoText())") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .unavailable("cannot lock \(lockPath): \(errnoText())") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Creates the directory (and parents) 0700 when missing.
    static func ensureDirectory(of path: String) throws(SecretError) {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable("cannot create directory \(directory): \(error.localizedDescription)")
        }
    }

    // MARK: - Helpers

    private static func checkMode(_ info: stat, path: String) throws(SecretError) {
        let permissions = info.st_mode & 0o7777
        guard permissions & foreignAccessBits == 0 else {
            throw .insecurePermissions(path: path, mode: "0" + String(permissions, radix: 8))
        }
    }

    private static func fingerprint(of info: stat) -> FileFingerprint {
        #if canImport(Darwin)
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        let changed = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
        #else
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        #endif
        return FileFingerprint(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: modified, changed: changed)
    }

    private static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(SecretError) {
        let failed: Bool = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += written
            }
            return false
        }
        if failed { throw .unavailable("cannot write \(path): \(errnoText())") }
    }

    /// fsync of the directory makes the rename itself durable.
    private static func syncDirectory(of path: String) throws(SecretError) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }  // best effort: some filesystems refuse to open directories
        defer { close(fd) }
        _ = fsync(fd)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// `read(2)`, named apart from `SecretFileIO.read(_:)`, which shadows it inside the enum.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
