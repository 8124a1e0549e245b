/// A tool's input schema, compiled once when the tool is registered and run on every call.
///
/// Only a small, fixed subset of JSON Schema is understood (see `supportedKeywords`), and
/// loading refuses any keyword outside it. A validator that skipped unknown keywords would
/// validate *less* than the schema's author believed; refusing them keeps the two in step.
///
///     let schema = try JSONSchema(text: #"{"type":"object","required":["repo"]}"#)
///     if let violation = schema.validate(input) { /* 400: "\(violation)" */ }
struct JSONSchema: Sendable {
    private let root: Node

    /// Compiles `schema`, which must be an object. Patterns are compiled here, so a bad one is
    /// reported at load time rather than on the first call that reaches it.
    init(_ schema: JSONValue) throws(SchemaError) {
        guard case .object = schema else {
            throw SchemaError(path: "#", message: "the root schema must be an object, got \(schema.typeName)")
        }
        root = try Node.load(schema, at: "#")
    }

    init(text: String) throws(SchemaError) {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(text)
        } catch {
            throw SchemaError(path: "#", message: "invalid JSON: \(error)")
        }
        try self.init(value)
    }

    /// The first way `instance` breaks the schema, or nil if it conforms. "First" is
    /// deterministic: keywords in a fixed order, array elements by index, object members by key.
    func validate(_ instance: JSONValue) -> SchemaViolation? {
        root.validate(instance)
    }
}

/// A schema the hub refuses to load. `path` is a JSON Pointer fragment into the schema
/// document, such as `#/properties/ref`.
struct SchemaError: Error, Sendable, CustomStringConvertible {
    var path: String
    var message: String

    var description: String { "\(path): \(message)" }
}

/// Why an instance doesn't conform. `path` is a JSON Pointer into the instance (`/items/3/name`),
/// empty for the instance itself; it's the part of a tool call a client needs to fix.
struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    var path: String
    var message: String

    var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The same violation seen from the container one level up.
    func nested(under token: String) -> SchemaViolation {
        SchemaViolation(path: "/" + JSONSchema.pointerToken(token) + path, message: message)
    }
}

extension JSONSchema {
    /// Keywords that change what validates. Anything else (bar the annotations) is refused.
    static let supportedKeywords = [
        "type", "enum", "const",
        "minLength", "maxLength", "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "items", "minItems", "maxItems",
        "properties", "required", "additionalProperties",
    ]

    /// Keywords that only describe; accepted anywhere and ignored.
    static let annotationKeywords: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "default", "examples",
    ]

    /// `key` escaped as one JSON Pointer reference token (RFC 6901).
    static func pointerToken(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
