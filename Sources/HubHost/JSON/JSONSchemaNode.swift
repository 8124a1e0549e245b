extension JSONSchema {
    /// One compiled schema or subschema. A class only so that `items` and
    /// `additionalProperties` can refer to further nodes; it is immutable once loaded.
    final class Node: Sendable {
        let rules: Rules

        init(_ rules: Rules) { self.rules = rules }
    }

    /// The keywords of one schema, decoded. Nil (or empty) means the keyword was absent.
    struct Rules: Sendable {
        /// The `false` schema: nothing validates.
        var rejectsEverything = false

        var types: TypeSet?
        var allowedValues: [JSONValue]?
        var constant: JSONValue?

        var minLength: Int?
        var maxLength: Int?
        var pattern: Pattern?
        var format: Format?

        var minimum: Double?
        var maximum: Double?
        var exclusiveMinimum: Double?
        var exclusiveMaximum: Double?

        var items: Node?
        var minItems: Int?
        var maxItems: Int?

        var properties: [String: Node] = [:]
        var required: [String] = []
        var additionalProperties: AdditionalProperties = .allowed
    }

    enum AdditionalProperties: Sendable {
        case allowed
        case forbidden
        case schema(Node)
    }

    /// The `type` keyword's set of names.
    struct TypeSet: OptionSet, Sendable {
        let rawValue: UInt8

        static let object = TypeSet(rawValue: 1 << 0)
        static let array = TypeSet(rawValue: 1 << 1)
        static let string = TypeSet(rawValue: 1 << 2)
        static let number = TypeSet(rawValue: 1 << 3)
        static let integer = TypeSet(rawValue: 1 << 4)
        static let boolean = TypeSet(rawValue: 1 << 5)
        static let null = TypeSet(rawValue: 1 << 6)

        static let names: [(String, TypeSet)] = [
            ("object", .object), ("array", .array), ("string", .string), ("number", .number),
            ("integer", .integer), ("boolean", .boolean), ("null", .null),
        ]

        func accepts(_ value: JSONValue) -> Bool {
            switch value {
            case .null: contains(.null)
            case .bool: contains(.boolean)
            // "integer" is a number with no fraction, so 1.0 is one (as in JSON Schema 2020-12).
            case .number(let number): contains(.number) || (contains(.integer) && number.rounded(.towardZero) == number)
            case .string: contains(.string)
            case .array: contains(.array)
            case .object: contains(.object)
            }
        }

        /// "string", "string or null", "object, array or null".
        var phrase: String {
            let words = Self.names.filter { contains($0.1) }.map(\.0)
            guard words.count > 1 else { return words.first ?? "nothing" }
            return words.dropLast().joined(separator: ", ") + " or " + words.last!
        }
    }
}
