import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The built `mcp-hub` executable, run as a user runs it: arguments, standard input, exit code.
enum HubCLI {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// SwiftPM puts executables next to the test bundle.
    static let executable = RepositoryPaths.products.appendingPathComponent("mcp-hub").path

    /// Runs `mcp-hub arguments…` to completion on a thread of its own: waiting for a process
    /// must not hold one of the cooperative pool's threads (two on a two-core machine), or every
    /// other test running in parallel stalls behind it.
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await run(executable: executable, arguments, stdin: stdin)
    }

    /// Any program, the same way (the MCP client tests run the Python SDK through it).
    static func run(executable: String, _ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try runBlocking(executable, arguments, stdin: stdin) })
            }
        }
    }

    /// Output goes to temporary files rather than pipes, so a chatty command can never block on
    /// a full pipe while we wait for it.
    private static func runBlocking(_ executable: String, _ arguments: [String], stdin: String?) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (outPath, errPath) = (scratch.appendingPathComponent("out").path, scratch.appendingPathComponent("err").path)
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let (out, err) = (try FileHandle(forWritingTo: URL(fileURLWithPath: outPath)), try FileHandle(forWritingTo: URL(fileURLWithPath: errPath)))
        defer { try? out.close(); try? err.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOfFile: outPath, encoding: .utf8),
            stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// `file:line:column` of the first occurrence of `needle` in `text` (1-based, as the hub
    /// reports positions), for checking config errors against the file the test wrote.
    static func position(of needle: String, in text: String, file: String) -> String? {
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: needle) {
                return "\(file):\(index + 1):\(line.utf8.distance(from: line.startIndex, to: range.lowerBound) + 1)"
            }
        }
        return nil
    }
}

/// `mcp-hub serve` running as a child process; its standard error is collected as it comes.
final class ServingHub: @unchecked Sendable {
    // @unchecked: `process` is set in init and only used through its own thread-safe API.
    private let process = Process()
    private let log = OutputBuffer()

    /// Shared with the pipe's reader thread.
    private final class OutputBuffer: Sendable {
        let data = Mutex(Data())
    }

    init(config: String) throws {
        process.executableURL = URL(fileURLWithPath: HubCLI.executable)
        process.arguments = ["serve", "--config", config]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        process.standardInput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [log] handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { log.data.withLock { $0.append(chunk) } }
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    var output: String { log.data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// The port from the hub's `listening on 127.0.0.1:PORT` line, waiting up to `seconds`.
    func boundPort(within seconds: Double = 60) async throws -> Int {
        let limit = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < limit {
            if let match = output.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/), let port = Int(match.1), port > 0 {
                return port
            }
            guard process.isRunning else { throw FixtureError("mcp-hub serve exited early:\n\(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("mcp-hub serve never reported its port:\n\(output)")
    }

    /// Sends SIGHUP (reload).
    func hangUp() { kill(process.processIdentifier, SIGHUP) }

    /// Sends SIGTERM and waits (bounded) for the exit; nil if it did not exit in time.
    func terminate(within seconds: Double = 30) async throws -> (status: Int32, reason: Process.TerminationReason)? {
        kill(process.processIdentifier, SIGTERM)
        let limit = ContinuousClock.now + .seconds(seconds)
        while process.isRunning {
            guard ContinuousClock.now < limit else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (process.terminationStatus, process.terminationReason)
    }
}
