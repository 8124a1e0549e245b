import Foundation
import ProviderABI

/// One tool a provider exposes: its name, rate-limit category, description, the JSON Schema of
/// its input, and a typed body. The hub validates input against the schema before the body runs,
/// so decoding failures here mean the schema and the `Input` type disagree.
public struct Tool: Sendable {
    public let name: String
    public let category: ToolCategory
    public let description: String
    public let inputSchema: String
    /// ABI 1.1: a short human title, the JSON Schema of the output, and what a caller may assume.
    public let title: String?
    public let outputSchema: String?
    public let hints: ToolHints?
    let run: @Sendable (_ call: Call, _ input: [UInt8]) throws(ProviderError) -> [UInt8]

    /// `Input` and `Output` are `SendableMetatype` because the body runs in a `@Sendable`
    /// closure that names their types (to decode and encode) on whichever pool thread the host
    /// picks. Every plain struct qualifies; a type isolated to a global actor does not.
    public init<Input: Decodable & SendableMetatype, Output: Encodable & SendableMetatype>(
        _ name: String,
        category: ToolCategory,
        description: String,
        inputSchema: String,
        title: String? = nil,
        outputSchema: String? = nil,
        hints: ToolHints? = nil,
        _ body: @escaping @Sendable (Input, Call) throws -> Output
    ) {
        self.name = name
        self.category = category
        self.description = description
        self.inputSchema = inputSchema
        self.title = title
        self.outputSchema = outputSchema
        self.hints = hints
        self.run = { (call: Call, input: [UInt8]) throws(ProviderError) -> [UInt8] in
            let decoded: Input
            do {
                decoded = try JSONDecoder().decode(Input.self, from: Data(input))
            } catch {
                throw .invalidInput("input does not match \(Input.self): \(error)")
            }
            let output: Output
            do {
                output = try body(decoded, call)
            } catch let error as ProviderError {
                throw error
            } catch {
                throw .internal("\(name) failed: \(error)")
            }
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                return Array(try encoder.encode(output))
            } catch {
                throw .internal("\(name) produced a result that is not JSON-encodable: \(error)")
            }
        }
    }
}

/// What a caller (and an agent's model) may assume about a tool: MCP's tool annotations. Leave
/// them nil and the hub derives them from the category (`reads` = read-only and idempotent,
/// `writes` = destructive) and from whether the provider declares hosts (open world).
public struct ToolHints: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readOnly = ToolHints(rawValue: HUB_TOOL_READ_ONLY)
    public static let destructive = ToolHints(rawValue: HUB_TOOL_DESTRUCTIVE)
    public static let idempotent = ToolHints(rawValue: HUB_TOOL_IDEMPOTENT)
    public static let openWorld = ToolHints(rawValue: HUB_TOOL_OPEN_WORLD)
}

/// A provider's `settings:` block from the config, as JSON.
public struct ProviderSettings: Sendable {
    public let json: [UInt8]

    /// Decodes the settings into the provider's own type.
    public func decode<T: Decodable>(_ type: T.Type) throws(ProviderError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.isEmpty ? Array("{}".utf8) : json))
        } catch {
            throw .invalidInput("settings do not match \(T.self): \(error)")
        }
    }
}
