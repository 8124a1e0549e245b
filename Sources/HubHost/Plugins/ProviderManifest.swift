import ProviderABI

/// The Swift view of what a provider declared in `hub_provider_init`, read once at load within
/// the struct sizes the provider reported (a newer provider's extra fields are ignored).
struct ProviderManifest: @unchecked Sendable {
    // @unchecked: the C pointers are provider-owned and immutable until shutdown.
    struct ToolEntry: @unchecked Sendable {
        var name: String
        var description: String
        var inputSchema: String
        var category: String
        /// ABI 1.1 fields; nil when the provider's hub_tool ends before them (a 1.0 provider).
        var title: String?
        var outputSchema: String?
        var hints: UInt32?
        let entry: UnsafePointer<hub_tool>
        let invoke: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<hub_tool>?, OpaquePointer?, hub_str) -> hub_status
    }

    var abiMajor: Int
    var abiMinor: Int
    var name: String
    var version: String
    var toolchain: String
    var tools: [ToolEntry]
    var secrets: [String]
    var hosts: [String]
    let state: UnsafeMutableRawPointer?
    let health: (@convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> hub_status)?
    let shutdown: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?

    /// The smallest struct sizes a 1.0 provider can report.
    static let providerSizeV1_0 = MemoryLayout<hub_provider>.offset(of: \hub_provider.shutdown)! + MemoryLayout<UnsafeRawPointer>.size
    static let toolSizeV1_0 = MemoryLayout<hub_tool>.offset(of: \hub_tool.data)! + MemoryLayout<UnsafeRawPointer>.size
    static let toolSizeV1_1 = MemoryLayout<hub_tool>.offset(of: \hub_tool.hints)! + MemoryLayout<UInt32>.size

    /// Reads the filled-in struct; throws a description of the first thing that is malformed.
    static func read(_ raw: hub_provider) throws(ManifestError) -> ProviderManifest {
        guard Int(raw.struct_size) >= providerSizeV1_0 else {
            throw ManifestError("hub_provider.struct_size is \(raw.struct_size), smaller than ABI 1.0's \(providerSizeV1_0)")
        }
        guard let name = raw.name.map({ String(cString: $0) }), !name.isEmpty else {
            throw ManifestError("the provider did not set its name")
        }
        var tools: [ToolEntry] = []
        if raw.tool_count > 0 {
            guard let base = raw.tools else { throw ManifestError("tool_count is \(raw.tool_count) but tools is NULL") }
            let stride = Int(base.pointee.struct_size)
            guard stride >= toolSizeV1_0 else {
                throw ManifestError("hub_tool.struct_size is \(stride), smaller than ABI 1.0's \(toolSizeV1_0)")
            }
            for index in 0..<raw.tool_count {
                let entry = (UnsafeRawPointer(base) + index * stride).assumingMemoryBound(to: hub_tool.self)
                tools.append(try readTool(entry, index: index, stride: stride))
            }
        }
        return ProviderManifest(
            abiMajor: Int(raw.abi_major), abiMinor: Int(raw.abi_minor), name: name,
            version: raw.version.map { String(cString: $0) } ?? "",
            toolchain: raw.toolchain.map { String(cString: $0) } ?? "",
            tools: tools,
            secrets: try strings(raw.secrets, count: raw.secret_count, field: "secrets"),
            hosts: try strings(raw.hosts, count: raw.host_count, field: "hosts"),
            state: raw.state, health: raw.health, shutdown: raw.shutdown)
    }

    private static func readTool(_ entry: UnsafePointer<hub_tool>, index: Int, stride: Int) throws(ManifestError) -> ToolEntry {
        // Only the prefix the provider declared is read: a 1.0 tool array is laid out with the
        // 1.0 stride, and its entries end before `title`.
        var tool = hub_tool()
        withUnsafeMutableBytes(of: &tool) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: entry, count: min(stride, MemoryLayout<hub_tool>.size)))
        }
        guard let name = tool.name.map({ String(cString: $0) }), !name.isEmpty else {
            throw ManifestError("tool #\(index) has no name")
        }
        guard let invoke = tool.invoke else { throw ManifestError("tool '\(name)' has no invoke function") }
        guard let schema = tool.input_schema_json.map({ String(cString: $0) }) else {
            throw ManifestError("tool '\(name)' has no input schema")
        }
        return ToolEntry(
            name: name, description: tool.description.map { String(cString: $0) } ?? "",
            inputSchema: schema, category: tool.category.map { String(cString: $0) } ?? "",
            title: stride >= toolSizeV1_1 ? tool.title.map { String(cString: $0) } : nil,
            outputSchema: stride >= toolSizeV1_1 ? tool.output_schema_json.map { String(cString: $0) } : nil,
            hints: stride >= toolSizeV1_1 ? tool.hints : nil,
            entry: entry, invoke: invoke)
    }

    private static func strings(
        _ list: UnsafePointer<UnsafePointer<CChar>?>?, count: Int, field: String
    ) throws(ManifestError) -> [String] {
        guard count > 0 else { return [] }
        guard let list else { throw ManifestError("\(field)_count is \(count) but \(field) is NULL") }
        var result: [String] = []
        for index in 0..<count {
            guard let item = list[index] else { throw ManifestError("\(field)[\(index)] is NULL") }
            result.append(String(cString: item))
        }
        return result
    }
}

struct ManifestError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
