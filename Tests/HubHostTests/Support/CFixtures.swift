import Foundation
import Synchronization

/// The plain-C provider (Tests/Fixtures/c_provider.c) compiled with `cc`, once per variant.
enum CFixtures {
    enum Variant: String, CaseIterable {
        case working = ""
        case wrongMajor = "FIXTURE_WRONG_MAJOR"
        case noInit = "FIXTURE_NO_INIT"
        case initFails = "FIXTURE_INIT_FAILS"
        case badSchema = "FIXTURE_BAD_SCHEMA"
        case newerMinor = "FIXTURE_NEWER_MINOR"
        /// The working provider rebuilt so that `add` returns a + b + 100: "new code".
        case addOffset = "FIXTURE_ADD_OFFSET=100"
        /// Built as an ABI 1.0 provider (1.0 hub_tool stride, no 1.1 calls).
        case abi10 = "FIXTURE_ABI_1_0"

        /// A file-name-safe spelling of the variant.
        var suffix: String { rawValue.isEmpty ? "" : "-" + rawValue.lowercased().replacingOccurrences(of: "=", with: "-") }
    }

    private static let built = Mutex<[Variant: String]>([:])
    private static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("mcp-hub-cfixtures-\(getpid())").path

    /// The path of the compiled library for `variant`, building it on first use.
    static func library(_ variant: Variant) throws -> String {
        try built.withLock { built in
            if let path = built[variant] { return path }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let output = "\(directory)/libcfixture\(variant.suffix).so"
            var arguments = [
                "-shared", "-fPIC", "-O1", "-Wall",
                "-I", RepositoryPaths.root.appendingPathComponent("Sources/ProviderABI/include").path,
                "-o", output, RepositoryPaths.root.appendingPathComponent("Tests/Fixtures/c_provider.c").path,
            ]
            if !variant.rawValue.isEmpty { arguments.append("-D\(variant.rawValue)") }
            let compiler = Process()
            compiler.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
            compiler.arguments = arguments
            try compiler.run()
            compiler.waitUntilExit()
            guard compiler.terminationStatus == 0 else {
                throw FixtureError("cc failed for variant \(variant) (\(compiler.terminationStatus))")
            }
            built[variant] = output
            return output
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
