import Foundation
import ProviderABI

/// `mcp-hub plugin inspect LIB.so`: what a provider library declares, checked the way the
/// loader checks it, without a config (so no tool policy or allowlist comparison).
public enum PluginInspector {
    /// `settings` is the JSON object the provider gets at init (`--settings '{"org_slug":"acme"}'`):
    /// providers that refuse empty settings (Socket, Sentry, Netdata) can be inspected too.
    public static func describe(libraryPath: String, settings: String = "{}") throws -> String {
        guard case .object = try? JSONValue.parse(settings) else {
            throw CommandFailure("--settings must be a JSON object, e.g. '{\"org_slug\":\"acme\"}'")
        }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-inspect").path
        let library = try ProviderLibrary.open(provider: "inspect", path: libraryPath, pinnedSHA256: nil, cacheDirectory: cache)
        guard let abiSymbol = library.symbol(HUB_PROVIDER_ABI_SYMBOL) else {
            throw CommandFailure("\(libraryPath): the library does not export \(HUB_PROVIDER_ABI_SYMBOL)")
        }
        let version = unsafeBitCast(abiSymbol, to: hub_provider_abi_fn.self)()
        guard Int(version >> 16) == Int(HUB_ABI_MAJOR) else {
            throw CommandFailure("\(libraryPath): ABI major \(version >> 16), host speaks \(HUB_ABI_MAJOR)")
        }
        guard let initSymbol = library.symbol(HUB_PROVIDER_INIT_SYMBOL) else {
            throw CommandFailure("\(libraryPath): the library does not export \(HUB_PROVIDER_INIT_SYMBOL)")
        }
        var raw = hub_provider()
        raw.struct_size = UInt32(MemoryLayout<hub_provider>.size)
        let load = CallContext(provider: "inspect", phase: .load, deadline: nil, services: nil)
        let status = Array(settings.utf8).withHubStr {
            unsafeBitCast(initSymbol, to: hub_provider_init_fn.self)(HostTable.shared, load.handle, $0, &raw)
        }
        guard status == HUB_OK else {
            throw CommandFailure("\(libraryPath): hub_provider_init returned \(StatusName.of(status)): \(load.error?.message ?? "no message") (with settings \(settings); pass the provider's settings with --settings JSON)")
        }
        let manifest = try ProviderManifest.read(raw)
        defer { manifest.shutdown?(manifest.state) }
        var lines = [
            "library:   \(libraryPath)",
            "sha256:    \(library.sha256)",
            "abi:       \(version >> 16).\(version & 0xffff) (host \(HUB_ABI_MAJOR).\(HUB_ABI_MINOR))",
            "provider:  \(manifest.name) \(manifest.version) (\(manifest.toolchain))",
            "secrets:   \(manifest.secrets.isEmpty ? "(none)" : manifest.secrets.joined(separator: ", "))",
            "hosts:     \(manifest.hosts.isEmpty ? "(none)" : manifest.hosts.joined(separator: ", "))",
            "health:    \(manifest.health == nil ? "no" : "yes")",
            "tools:",
        ]
        for tool in manifest.tools {
            let schemaCheck: String
            do {
                _ = try JSONSchema(text: tool.inputSchema)
                schemaCheck = "valid"
            } catch {
                schemaCheck = "INVALID: \(error)"
            }
            lines.append("  \(tool.name) [\(tool.category)] \(tool.description)")
            lines.append("    input schema (\(schemaCheck)): \(tool.inputSchema.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))")
        }
        return lines.joined(separator: "\n")
    }
}

extension ManifestError: CustomStringConvertible {
    var description: String { message }
}
