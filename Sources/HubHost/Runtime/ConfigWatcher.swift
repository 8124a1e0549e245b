import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reloads when an admin drops files in place — the config file, a `providers.d/` fragment, a
/// configured library — with no HTTP call (Linux inotify). Changes are debounced (a copy is many
/// writes), and a round whose libraries are not all complete ELF files (`ELFCompleteness`: a
/// copy still under way) waits for the next change instead of reloading. The reload itself is the
/// ordinary one: refused or partial reloads are logged and audited there, channel `system`.
final class ConfigWatcher: @unchecked Sendable {
    // @unchecked: `descriptor` and `watched` are touched only by the watcher's own thread after start.
    private let descriptor: Int32
    private let runtime: HubRuntime
    private let logger: Logger
    private let debounce: Duration
    private let stopped = Atomic<Bool>(false)
    /// Watch descriptor → directory, and the names in it that matter (nil: every name).
    private var watched: [Int32: (directory: String, names: Set<String>?)] = [:]

    init?(runtime: HubRuntime, logger: Logger, debounce: Duration = .milliseconds(250)) {
        let descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else {
            logger.warning("file watching unavailable (inotify_init1: \(String(cString: strerror(errno)))); reload with SIGHUP or POST /admin/reload")
            return nil
        }
        self.descriptor = descriptor
        self.runtime = runtime
        self.logger = logger
        self.debounce = debounce
    }

    func start() {
        rewatch()
        let thread = Thread { [self] in run() }
        thread.name = "mcp-hub-config-watch"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func run() {
        var pendingSince: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.load(ordering: .relaxed) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) > 0, relevantEvents(in: &buffer) {
                pendingSince = .now
            }
            if let since = pendingSince, ContinuousClock.now - since >= debounce {
                pendingSince = nil
                reloadIfComplete()
            }
        }
        close(descriptor)
    }

    /// Reads what is queued; true if any event names a file that matters.
    private func relevantEvents(in buffer: inout [UInt8]) -> Bool {
        var relevant = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return relevant }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, length) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let name = String(decoding: buffer[nameStart..<min(nameStart + length, count)].prefix { $0 != 0 }, as: UTF8.self)
                if let watch = watched[wd], watch.names.map({ $0.contains(name) }) ?? true { relevant = true }
                offset = nameStart + length
            }
        }
    }

    private func reloadIfComplete() {
        // What the files on disk say now: new fragments name new libraries to wait for.
        let config: HubConfig
        do {
            config = try ConfigLoader.load(path: runtime.configPath)
        } catch {
            // Not waiting for a fix that may never come: the reload refuses it, logs and audits why.
            triggerReload(reason: "config changed")
            return
        }
        for provider in config.providers where provider.enabled {
            guard let library = provider.library,
                let contents = try? Data(contentsOf: URL(fileURLWithPath: library), options: .alwaysMapped)
            else { continue }
            if let problem = ELFCompleteness.problem(in: contents) {
                logger.notice("\(provider.name): \(library) is not complete yet (\(problem)); waiting for it before reloading")
                rewatch(config)
                return
            }
        }
        rewatch(config)
        triggerReload(reason: "files changed")
    }

    private func triggerReload(reason: String) {
        logger.notice("\(reason): reloading \(runtime.configPath)")
        let runtime = runtime
        Task { _ = try? await runtime.reload(trigger: "file change (\(reason))") }
    }

    /// Watches the config's folder (the config file and `providers.d`), `providers.d` itself, and
    /// every configured library's folder (that library's name only).
    private func rewatch(_ config: HubConfig? = nil) {
        let config = config ?? (try? ConfigLoader.load(path: runtime.configPath)) ?? runtime.config
        for wd in watched.keys { inotify_rm_watch(descriptor, wd) }
        watched = [:]
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)
        var wanted: [String: Set<String>?] = [
            config.directory: [URL(fileURLWithPath: runtime.configPath).lastPathComponent, ProvidersDirectory.name],
            ProvidersDirectory.path(forConfigDirectory: config.directory): nil,
        ]
        for provider in config.providers where provider.enabled {
            guard let library = provider.library else { continue }
            let url = URL(fileURLWithPath: library)
            let folder = url.deletingLastPathComponent().path
            if case .some(.some(var names)) = wanted[folder] {
                names.insert(url.lastPathComponent)
                wanted[folder] = names
            } else if wanted[folder] == nil {
                wanted[folder] = [url.lastPathComponent]
            }
        }
        for (folder, names) in wanted {
            let wd = inotify_add_watch(descriptor, folder, mask)
            if wd >= 0 { watched[wd] = (folder, names) }
        }
    }
}
