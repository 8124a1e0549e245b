import Foundation
import ProviderABI

/// Loads one provider library and checks it against its config, in this order, stopping at the
/// first failure: sha256 pin, dlopen, `hub_provider_abi` (major equal, minor ≤ host) BEFORE any
/// provider code runs, `hub_provider_init`, the manifest's shape, tool names, categories and
/// schemas, the config's tools all exported, declared hosts within `allowed_hosts`, declared
/// secrets within the vault scope.
struct PluginLoader: Sendable {
    /// Where content-addressed copies of libraries go.
    let cacheDirectory: String
    /// Builds the services (vault scope, egress) a provider's callbacks reach.
    let services: @Sendable (ProviderConfig) -> any ProviderServices

    /// `[a-z0-9][a-z0-9._-]{0,63}`: safe in a URL path segment and a log line.
    static func isValidToolName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || (!first && (byte == 0x2e || byte == 0x5f || byte == 0x2d))
        }
        return (1...64).contains(bytes.count) && bytes.enumerated().allSatisfy { allowed($1, first: $0 == 0) }
    }

    func load(_ config: ProviderConfig) throws(PluginLoadError) -> LoadedProvider {
        guard let libraryPath = config.library else {
            throw PluginLoadError(provider: config.name, library: "-", check: .config, message: "no library is configured")
        }
        func failure(_ check: PluginLoadError.Check, _ message: String) -> PluginLoadError {
            PluginLoadError(provider: config.name, library: libraryPath, check: check, message: message)
        }
        let library = try ProviderLibrary.open(
            provider: config.name, path: libraryPath, pinnedSHA256: config.sha256, cacheDirectory: cacheDirectory)

        guard let abiSymbol = library.symbol(HUB_PROVIDER_ABI_SYMBOL) else {
            throw failure(.entryPoint, "the library does not export \(HUB_PROVIDER_ABI_SYMBOL); was it built against ProviderABI?")
        }
        let version = unsafeBitCast(abiSymbol, to: hub_provider_abi_fn.self)()
        let (major, minor) = (Int(version >> 16), Int(version & 0xffff))
        guard major == Int(HUB_ABI_MAJOR) else {
            throw failure(.abi, "ABI major \(major), host speaks \(HUB_ABI_MAJOR)")
        }
        guard minor <= Int(HUB_ABI_MINOR) else {
            throw failure(.abi, "ABI \(major).\(minor) is newer than the host's \(HUB_ABI_MAJOR).\(HUB_ABI_MINOR)")
        }
        guard let initSymbol = library.symbol(HUB_PROVIDER_INIT_SYMBOL) else {
            throw failure(.entryPoint, "the library does not export \(HUB_PROVIDER_INIT_SYMBOL)")
        }
        let initialise = unsafeBitCast(initSymbol, to: hub_provider_init_fn.self)

        var raw = hub_provider()
        raw.struct_size = UInt32(MemoryLayout<hub_provider>.size)
        let loadCall = CallContext(provider: config.name, phase: .load, deadline: nil, services: nil)
        let status = Array(config.settingsJSON.utf8).withHubStr { settings in
            initialise(HostTable.shared, loadCall.handle, settings, &raw)
        }
        guard status == HUB_OK else {
            let detail = loadCall.error?.message ?? "no message"
            throw failure(.initialise, "hub_provider_init returned \(StatusName.of(status)): \(detail)")
        }
        let manifest: ProviderManifest
        do {
            manifest = try ProviderManifest.read(raw)
        } catch {
            raw.shutdown?(raw.state)
            throw failure(.manifest, error.message)
        }
        do {
            return try check(manifest, against: config, library: library)
        } catch {
            manifest.shutdown?(manifest.state)
            throw error
        }
    }

    private func check(
        _ manifest: ProviderManifest, against config: ProviderConfig, library: ProviderLibrary
    ) throws(PluginLoadError) -> LoadedProvider {
        func failure(_ check: PluginLoadError.Check, _ message: String) -> PluginLoadError {
            PluginLoadError(provider: config.name, library: library.sourcePath, check: check, message: message)
        }
        guard manifest.abiMajor == Int(HUB_ABI_MAJOR), manifest.abiMinor <= Int(HUB_ABI_MINOR) else {
            throw failure(.abi, "the manifest declares ABI \(manifest.abiMajor).\(manifest.abiMinor), host speaks \(HUB_ABI_MAJOR).\(HUB_ABI_MINOR)")
        }
        guard manifest.name == config.name else {
            throw failure(.manifest, "the library calls itself '\(manifest.name)', the config lists it as '\(config.name)'")
        }
        var declared: [String: ProviderManifest.ToolEntry] = [:]
        for tool in manifest.tools {
            guard Self.isValidToolName(tool.name) else {
                throw failure(.tools, "tool name '\(tool.name)' is not [a-z0-9][a-z0-9._-]*")
            }
            guard declared.updateValue(tool, forKey: tool.name) == nil else {
                throw failure(.tools, "tool '\(tool.name)' is declared twice")
            }
        }
        var served: [String: ServedTool] = [:]
        let state = ProviderState(pointer: manifest.state)
        for policy in config.tools {
            if policy.name == "health", declared["health"] == nil, let health = manifest.health {
                served["health"] = Self.healthTool(
                    config: config, policy: policy, state: state, function: health, callsOut: !manifest.hosts.isEmpty)
                continue
            }
            guard let tool = declared[policy.name] else {
                let exported = manifest.tools.map(\.name).sorted().joined(separator: ", ")
                throw failure(.tools, "tool '\(policy.name)' is listed in the config at \(policy.mark) but the library does not export it (it exports: \(exported))")
            }
            guard let category = RateCategory(rawValue: tool.category) else {
                throw failure(.tools, "tool '\(tool.name)' has category '\(tool.category)' (expected reads, scans or writes)")
            }
            let schema: JSONSchema
            do {
                schema = try JSONSchema(text: tool.inputSchema)
            } catch {
                throw failure(.schema, "tool '\(tool.name)': input schema: \(error)")
            }
            if let output = tool.outputSchema {
                do {
                    _ = try JSONSchema(text: output)
                } catch {
                    throw failure(.schema, "tool '\(tool.name)': output schema: \(error)")
                }
            }
            served[tool.name] = ServedTool(
                provider: config.name, name: tool.name, description: tool.description, category: category,
                schemaText: tool.inputSchema, schema: schema, policy: policy,
                title: tool.title.flatMap { $0.isEmpty ? nil : $0 }, outputSchemaText: tool.outputSchema,
                hints: ToolHints(declared: tool.hints, category: category, callsOut: !manifest.hosts.isEmpty),
                invoke: { call, input in
                    input.withHubStr { tool.invoke(state.pointer, tool.entry, call.handle, $0) }
                })
        }
        for host in manifest.hosts where !HostCoverage.covers(config.allowedHosts, host) {
            throw failure(.hosts, "the provider declares host '\(host)', which is not within allowed_hosts [\(config.allowedHosts.joined(separator: ", "))]")
        }
        let scope = SecretScope(exactName: config.vaultKey, prefix: config.vaultPrefix)
        for secret in manifest.secrets where !scope.permits(secret) {
            throw failure(.secrets, "the provider declares secret '\(secret)', which is outside its vault scope (\(scope))")
        }
        let unlisted = declared.keys.filter { served[$0] == nil }.sorted()
        return LoadedProvider(
            config: config, library: library, manifest: manifest, tools: served, unlistedTools: unlisted,
            services: services(config))
    }
}

extension PluginLoader {
    static let emptyObjectSchema = #"{"type":"object","additionalProperties":false}"#

    /// A provider without a `health` tool but with the ABI's health function still answers the
    /// `health` tool the PRD lists: the function serves it.
    static func healthTool(
        config: ProviderConfig, policy: ToolPolicy, state: ProviderState,
        function: @escaping @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> hub_status, callsOut: Bool
    ) -> ServedTool {
        ServedTool(
            provider: config.name, name: "health", description: "The provider's view of its upstream.",
            category: .reads, schemaText: emptyObjectSchema, schema: try! JSONSchema(text: emptyObjectSchema),
            policy: policy, title: "Health", hints: ToolHints(declared: nil, category: .reads, callsOut: callsOut),
            invoke: { call, _ in function(state.pointer, call.handle) })
    }
}

/// Whether an `allowed_hosts` list covers a host (or host pattern) a provider declares, by the
/// same matcher egress uses: a declared name must be matched by an entry; a declared wildcard
/// must be listed as it is.
enum HostCoverage {
    static func covers(_ allowed: [String], _ declared: String) -> Bool {
        let declared = declared.lowercased()
        if allowed.contains(declared) { return true }
        guard !declared.hasPrefix("*.") else { return false }
        return allowed.contains { (try? HostPattern($0))?.matches(declared) == true }
    }
}

/// Names for ABI status codes, for messages.
enum StatusName {
    static func of(_ status: hub_status) -> String {
        switch status {
        case HUB_OK: "HUB_OK"
        case HUB_E_ARGS: "HUB_E_ARGS"
        case HUB_E_DENIED: "HUB_E_DENIED"
        case HUB_E_UPSTREAM: "HUB_E_UPSTREAM"
        case HUB_E_TIMEOUT: "HUB_E_TIMEOUT"
        case HUB_E_INTERNAL: "HUB_E_INTERNAL"
        case HUB_E_UNAVAILABLE: "HUB_E_UNAVAILABLE"
        case HUB_E_NOT_FOUND: "HUB_E_NOT_FOUND"
        case HUB_E_RATE_LIMITED: "HUB_E_RATE_LIMITED"
        case HUB_E_UPSTREAM_AUTH: "HUB_E_UPSTREAM_AUTH"
        default: "status \(status)"
        }
    }
}
