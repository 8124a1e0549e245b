import ProviderABI
import Synchronization

/// A provider that passed every load check, with the tools its config exposes.
final class LoadedProvider: Sendable {
    let config: ProviderConfig
    let library: ProviderLibrary
    let manifest: ProviderManifest
    /// The tools a caller can reach: those both the library exports and the config lists.
    let tools: [String: ServedTool]
    /// Tools the library exports that the config does not list: never served, reported at load.
    let unlistedTools: [String]
    let services: any ProviderServices
    private let retired = Atomic<Bool>(false)

    var name: String { config.name }

    init(
        config: ProviderConfig, library: ProviderLibrary, manifest: ProviderManifest, tools: [String: ServedTool],
        unlistedTools: [String], services: any ProviderServices
    ) {
        self.config = config
        self.library = library
        self.manifest = manifest
        self.tools = tools
        self.unlistedTools = unlistedTools
        self.services = services
    }

    /// Whether `shutdown` has run (the generation holding this provider was retired).
    var isShutDown: Bool { retired.load(ordering: .acquiring) }

    /// Calls the provider's shutdown once; the library stays mapped (Swift images can't unload).
    func shutdown() {
        guard !retired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        manifest.shutdown?(manifest.state)
    }
}

/// One tool as the hub serves it: the provider's declaration joined with the config's policy.
struct ServedTool: Sendable {
    let provider: String
    let name: String
    let description: String
    let category: RateCategory
    let schemaText: String
    let schema: JSONSchema
    let policy: ToolPolicy
    /// ABI 1.1: a human title and the JSON Schema of the result, when the provider declares them.
    var title: String? = nil
    var outputSchemaText: String? = nil
    var hints: ToolHints
    /// Calls into the provider on the current thread (a pool thread): `(call, input JSON)`.
    let invoke: @Sendable (CallContext, [UInt8]) -> hub_status

    /// `provider.tool`, as logs, messages and the docs name it.
    var qualifiedName: String { "\(provider).\(name)" }
}

/// What a caller may assume about a tool (MCP's tool annotations), from the provider's ABI 1.1
/// `hints`, or derived from the rate category for tools that declare none.
struct ToolHints: Sendable, Equatable {
    var readOnly: Bool
    var destructive: Bool
    var idempotent: Bool
    var openWorld: Bool

    init(readOnly: Bool, destructive: Bool, idempotent: Bool, openWorld: Bool) {
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
        self.openWorld = openWorld
    }

    /// `declared` is hub_tool.hints (nil for a 1.0 tool); `callsOut` whether the provider declares
    /// any host it calls.
    init(declared: UInt32?, category: RateCategory, callsOut: Bool) {
        if let declared, declared & HUB_TOOL_HINTS_DECLARED != 0 {
            readOnly = declared & HUB_TOOL_READ_ONLY != 0
            destructive = !readOnly && declared & HUB_TOOL_DESTRUCTIVE != 0
            idempotent = declared & HUB_TOOL_IDEMPOTENT != 0
            openWorld = declared & HUB_TOOL_OPEN_WORLD != 0
        } else {
            readOnly = category == .reads
            destructive = category == .writes
            idempotent = category == .reads
            openWorld = callsOut
        }
    }
}

/// The provider's opaque state pointer, passed back on every call.
struct ProviderState: @unchecked Sendable {
    // @unchecked: owned by the provider, which promises concurrent calls are safe (ABI rule).
    let pointer: UnsafeMutableRawPointer?
}
