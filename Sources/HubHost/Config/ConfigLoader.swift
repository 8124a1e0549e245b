#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Reads `provider-config.yaml` into a `HubConfig`, or says exactly where and why it cannot.
///
/// Nothing is substituted from the environment: the file says everything, and secrets live only
/// in the vault.
enum ConfigLoader {
    static func load(path: String) throws(ConfigError) -> HubConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            // Say why (errno) and how to point at another file: the default path is relative to
            // the working directory, so `serve` run elsewhere finds nothing.
            let reason = access(path, F_OK) == 0 ? String(cString: strerror(EACCES)) : "no such file"
            let absolute = ConfigPath.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
            throw ConfigError(
                mark: nil, keyPath: "",
                message: "cannot read config file '\(path)' (\(absolute)): \(reason); pass --config FILE")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(mark: nil, keyPath: "", message: "config file '\(path)' is not valid UTF-8")
        }
        var config = try parse(text, path: path)
        try ProvidersDirectory.merge(into: &config)
        return config
    }

    /// Parses config text; `path` names the file in errors and anchors relative paths.
    static func parse(_ text: String, path: String) throws(ConfigError) -> HubConfig {
        let context = ConfigContext(file: path, directory: ConfigPath.directory(of: path))
        guard let root = try YAMLParser.parse(text, file: path) else {
            throw ConfigError(mark: SourceMark(file: path, line: 1, column: 1), keyPath: "", message: "the config is empty (expected a mapping with a 'providers' key)")
        }
        return try HubConfig(from: ConfigNode(yaml: root, keyPath: "", context: context))
    }
}
