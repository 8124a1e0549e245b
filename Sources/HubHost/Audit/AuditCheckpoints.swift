import Foundation
import Logging
import Synchronization

/// Anchors for the hash chain that outlive the table. A chain proves every row after the first
/// is linked to the one before; it cannot prove rows are missing at the end — deleting the newest
/// rows (triggers dropped) leaves a shorter chain that still verifies. So after commits the
/// writer records the head it just wrote (`seq row_hash`), at most once per `interval`, in a
/// separate append-only file (0600) and in the log. `audit verify` then checks every recorded
/// checkpoint: the row at that seq must exist and have that hash.
final class AuditCheckpoints: Sendable {
    struct Checkpoint: Sendable, Equatable {
        var seq: Int64
        var rowHash: String
    }

    let path: String
    private let interval: Duration
    private let last = Mutex<(at: ContinuousClock.Instant?, seq: Int64)>((nil, 0))
    private static let logger = Logger(label: "mcp-hub.audit")

    init(path: String, interval: Duration = .seconds(1)) {
        self.path = path
        self.interval = interval
    }

    /// Records the head after a commit, unless one was recorded less than `interval` ago
    /// (`force` ignores that: on close).
    func committed(seq: Int64, rowHash: String, force: Bool = false) {
        let due = last.withLock { last -> Bool in
            guard seq > last.seq else { return false }
            if !force, let at = last.at, ContinuousClock.now - at < interval { return false }
            last = (.now, seq)
            return true
        }
        guard due else { return }
        let line = "\(seq) \(rowHash)\n"
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            Self.logger.error("audit checkpoint file \(path) cannot be written (errno \(errno)); the log line is the only anchor")
            Self.logger.notice("audit checkpoint seq \(seq) row_hash \(rowHash)")
            return
        }
        fchmod(descriptor, 0o600)
        _ = Array(line.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        Self.logger.info("audit checkpoint seq \(seq) row_hash \(rowHash)")
    }

    /// Every checkpoint in the file (none if there is no file yet).
    func recorded() -> [Checkpoint] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let seq = Int64(parts[0]) else { return nil }
            return Checkpoint(seq: seq, rowHash: String(parts[1]))
        }
    }
}
