#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Makes config paths absolute. Relative paths mean "next to the config file", never "wherever
/// the process happened to start", so a config behaves the same from any working directory.
/// No `~` or `$VAR` expansion: nothing in config comes from the environment.
enum ConfigPath {
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        normalized(path.hasPrefix("/") ? path : "\(directory)/\(path)")
    }

    /// The absolute directory holding `file`.
    static func directory(of file: String) -> String {
        let absoluteFile = absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        guard let slash = absoluteFile.lastIndex(of: "/"), slash != absoluteFile.startIndex else { return "/" }
        return String(absoluteFile[..<slash])
    }

    /// Removes `.`, `..` and empty components lexically, without touching the file system.
    private static func normalized(_ absolutePath: String) -> String {
        var components: [Substring] = []
        for component in absolutePath.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
