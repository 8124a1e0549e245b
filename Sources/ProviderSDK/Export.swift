import Foundation

/// The C types an author's export line names, so provider code needs no C.
public typealias HostTable = UnsafePointer<hub_host_api>?
public typealias CallHandle = OpaquePointer?
public typealias ProviderSlot = UnsafeMutablePointer<hub_provider>?

/// The ABI version this SDK was built against. Every Swift provider exports it, because the SDK
/// is linked into each provider library.
@_cdecl("hub_provider_abi")
public func hub_provider_abi() -> UInt32 {
    UInt32(HUB_ABI_MAJOR) << 16 | UInt32(HUB_ABI_MINOR)
}

/// Turns a `Provider` type into the C manifest the host reads. Call it from the provider's one
/// export line:
///
///     @_cdecl("hub_provider_init")
///     public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
///         ProviderExport.initialize(MyProvider.self, host, load, settings, out)
///     }
public enum ProviderExport {
    public static func initialize<P: Provider>(
        _ type: P.Type, _ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot
    ) -> hub_status {
        guard let host, let load, let out else { return HUB_E_ARGS }
        guard host.pointee.abi_major == HUB_ABI_MAJOR else {
            "\(P.name): provider speaks ABI major \(HUB_ABI_MAJOR), host speaks \(host.pointee.abi_major)"
                .withHubStr { host.pointee.set_error(load, HUB_E_INTERNAL, $0) }
            return HUB_E_INTERNAL
        }
        let provider: P
        do {
            provider = try P(settings: ProviderSettings(json: settings.bytes))
        } catch {
            let failure = error as? ProviderError ?? .internal("\(error)")
            failure.message.withHubStr { host.pointee.set_error(load, failure.status, $0) }
            return failure.status
        }
        let manifest = Manifest(provider: provider, host: host)
        manifest.fill(out)
        return HUB_OK
    }
}

/// Owns everything the C manifest points at, and routes calls back to the Swift provider.
/// Retained through `hub_provider.state` until the host calls shutdown.
final class Manifest: @unchecked Sendable {
    // @unchecked: every field is set once in init and only read afterwards.
    let provider: any Provider
    let tools: [Tool]
    let host: UnsafePointer<hub_host_api>
    private let cStrings: CStringArena
    private let cTools: UnsafeMutableBufferPointer<hub_tool>
    private let secretList: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>
    private let hostList: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>

    init<P: Provider>(provider: P, host: UnsafePointer<hub_host_api>) {
        self.provider = provider
        self.tools = Self.toolsWithHealth(provider)
        self.host = host
        let arena = CStringArena()
        cStrings = arena
        cTools = .allocate(capacity: max(tools.count, 1))
        for (index, tool) in tools.enumerated() {
            var entry = hub_tool()
            entry.struct_size = UInt32(MemoryLayout<hub_tool>.stride)
            entry.name = arena.add(tool.name)
            entry.description = arena.add(tool.description)
            entry.input_schema_json = arena.add(tool.inputSchema)
            entry.category = arena.add(tool.category.rawValue)
            entry.title = tool.title.map { arena.add($0) }
            entry.output_schema_json = tool.outputSchema.map { arena.add($0) }
            entry.hints = tool.hints.map { $0.rawValue | HUB_TOOL_HINTS_DECLARED } ?? 0
            entry.invoke = invokeTrampoline
            entry.data = UnsafeMutableRawPointer(bitPattern: index + 1)
            (cTools.baseAddress! + index).initialize(to: entry)
        }
        secretList = arena.list(P.secrets)
        hostList = arena.list(P.hosts)
        self.name = arena.add(P.name)
        self.version = arena.add(P.version)
        self.toolchain = arena.add(Self.toolchain)
    }

    private let name: UnsafePointer<CChar>
    private let version: UnsafePointer<CChar>
    private let toolchain: UnsafePointer<CChar>

    deinit {
        cTools.deallocate()
        secretList.deallocate()
        hostList.deallocate()
    }

    func fill(_ out: UnsafeMutablePointer<hub_provider>) {
        out.pointee.struct_size = UInt32(MemoryLayout<hub_provider>.size)
        out.pointee.abi_major = UInt16(HUB_ABI_MAJOR)
        out.pointee.abi_minor = UInt16(HUB_ABI_MINOR)
        out.pointee.name = name
        out.pointee.version = version
        out.pointee.toolchain = toolchain
        out.pointee.state = Unmanaged.passRetained(self).toOpaque()
        out.pointee.tools = UnsafePointer(cTools.baseAddress)
        out.pointee.tool_count = tools.count
        out.pointee.secrets = UnsafePointer(secretList.baseAddress)
        out.pointee.secret_count = secretList.count
        out.pointee.hosts = UnsafePointer(hostList.baseAddress)
        out.pointee.host_count = hostList.count
        out.pointee.health = healthTrampoline
        out.pointee.shutdown = shutdownTrampoline
    }

    /// Runs a body and reports its outcome through the host's setters.
    func complete(_ call: OpaquePointer, _ body: () throws(ProviderError) -> [UInt8]) -> hub_status {
        do {
            let result = try body()
            result.withHubStr { host.pointee.set_result(call, $0) }
            return HUB_OK
        } catch {
            if let seconds = error.retryAfterSeconds, host.pointee.abi_minor >= 1 {
                host.pointee.set_retry_after(call, UInt32(clamping: seconds))
            }
            error.message.withHubStr { host.pointee.set_error(call, error.status, $0) }
            return error.status
        }
    }

    /// Every provider answers a `health` tool (the PRD lists it beside the others, with its own
    /// min_role); the SDK supplies it from `Provider.health` unless the provider declares one.
    private static func toolsWithHealth(_ provider: some Provider) -> [Tool] {
        let declared = provider.tools
        guard !declared.contains(where: { $0.name == "health" }) else { return declared }
        let health = Tool(
            "health", category: .reads, description: "The provider's view of its upstream: ok, degraded or down.",
            inputSchema: #"{"type":"object","additionalProperties":false}"#, title: "Health"
        ) { [provider] (_: [String: String], call: Call) in try provider.health(call) }
        return declared + [health]
    }

    static var toolchain: String {
        #if compiler(>=6.3)
        "swift-6.3"
        #else
        "swift-6"
        #endif
    }
}

private let invokeTrampoline: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<hub_tool>?, OpaquePointer?, hub_str
) -> hub_status = { state, tool, call, args in
    guard let state, let tool, let call else { return HUB_E_ARGS }
    let manifest = Unmanaged<Manifest>.fromOpaque(state).takeUnretainedValue()
    let index = Int(bitPattern: tool.pointee.data) - 1
    guard manifest.tools.indices.contains(index) else { return HUB_E_INTERNAL }
    let handle = Call(host: manifest.host, handle: call)
    let input = args.bytes
    return manifest.complete(call) { () throws(ProviderError) -> [UInt8] in
        try manifest.tools[index].run(handle, input)
    }
}

private let healthTrampoline: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> hub_status = { state, call in
    guard let state, let call else { return HUB_E_ARGS }
    let manifest = Unmanaged<Manifest>.fromOpaque(state).takeUnretainedValue()
    let handle = Call(host: manifest.host, handle: call)
    return manifest.complete(call) { () throws(ProviderError) -> [UInt8] in
        let status: HealthStatus
        do {
            status = try manifest.provider.health(handle)
        } catch let error as ProviderError {
            status = HealthStatus(status: .down, error: error.message)
        } catch {
            status = HealthStatus(status: .down, error: "\(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(status))) ?? Array(#"{"status":"down"}"#.utf8)
    }
}

private let shutdownTrampoline: @convention(c) (UnsafeMutableRawPointer?) -> Void = { state in
    guard let state else { return }
    Unmanaged<Manifest>.fromOpaque(state).release()
}

/// NUL-terminated copies of the manifest's strings, alive as long as the manifest.
final class CStringArena {
    private var allocations: [UnsafeMutablePointer<CChar>] = []

    func add(_ string: String) -> UnsafePointer<CChar> {
        let copy = strdup(string)!
        allocations.append(copy)
        return UnsafePointer(copy)
    }

    func list(_ strings: [String]) -> UnsafeMutableBufferPointer<UnsafePointer<CChar>?> {
        let buffer = UnsafeMutableBufferPointer<UnsafePointer<CChar>?>.allocate(capacity: max(strings.count, 1))
        for (index, string) in strings.enumerated() { buffer[index] = add(string) }
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<strings.count])
    }

    deinit { allocations.forEach { free($0) } }
}
