#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `providers.d/` next to the config: an admin adds a provider by dropping two files, its
/// library and `providers.d/<name>.yaml` holding one entry of the `providers:` map keyed by that
/// name (`pagerduty: { library: …, vault_key: …, tools: […] }`). Paths in a fragment resolve
/// against the fragment's folder. Fragments are read in name order; a name the main config or
/// another fragment already has is an error naming both places.
enum ProvidersDirectory {
    static let name = "providers.d"

    static func path(forConfigDirectory directory: String) -> String { directory + "/" + name }

    static func fragments(in directory: String) -> [String] {
        let folder = path(forConfigDirectory: directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    static func merge(into config: inout HubConfig) throws(ConfigError) {
        for file in fragments(in: config.directory) {
            guard let data = FileManager.default.contents(atPath: file), let text = String(validating: data, as: UTF8.self) else {
                throw ConfigError(mark: nil, keyPath: "", message: "cannot read provider fragment '\(file)'")
            }
            let context = ConfigContext(file: file, directory: ConfigPath.directory(of: file))
            guard let root = try YAMLParser.parse(text, file: file) else {
                throw ConfigError(mark: SourceMark(file: file, line: 1, column: 1), keyPath: "", message: "the fragment is empty (expected one provider entry)")
            }
            let entries = try ConfigNode(yaml: root, keyPath: "providers", context: context).keyedEntries()
            let expected = String(file.split(separator: "/").last!.dropLast(".yaml".count))
            guard entries.count == 1, let entry = entries.first, entry.key == expected else {
                throw ConfigError(
                    mark: SourceMark(file: file, line: 1, column: 1), keyPath: "providers",
                    message: "a providers.d fragment holds exactly one provider, keyed by its file name ('\(expected)')")
            }
            let provider = try ProviderConfig(from: entry)
            if let existing = config.provider(named: provider.name) {
                throw entry.keyError("provider '\(provider.name)' is already configured at \(existing.mark)")
            }
            config.providers.append(provider)
        }
    }
}
