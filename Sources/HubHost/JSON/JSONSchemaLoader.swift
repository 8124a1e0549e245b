extension JSONSchema.Node {
    /// Decodes one schema (an object, or `true`/`false` as a subschema) found at `path`.
    /// Keywords are read in sorted order so that, of several problems, the same one is reported.
    static func load(_ schema: JSONValue, at path: String) throws(SchemaError) -> JSONSchema.Node {
        let keywords: [String: JSONValue]
        switch schema {
        case .bool(let accepts):
            var rules = JSONSchema.Rules()
            rules.rejectsEverything = !accepts
            return JSONSchema.Node(rules)
        case .object(let members):
            keywords = members
        default:
            throw SchemaError(path: path, message: "a schema must be an object or a boolean, got \(schema.typeName)")
        }

        var rules = JSONSchema.Rules()
        for keyword in keywords.keys.sorted(by: String.utf8Order) {
            let value = keywords[keyword]!
            let reader = KeywordReader(path: path + "/" + JSONSchema.pointerToken(keyword), value: value)
            switch keyword {
            case "type": rules.types = try reader.types()
            case "enum": rules.allowedValues = try reader.nonEmptyArray()
            case "const": rules.constant = value
            case "minLength": rules.minLength = try reader.count()
            case "maxLength": rules.maxLength = try reader.count()
            case "pattern": rules.pattern = try reader.pattern()
            case "format": rules.format = try reader.format()
            case "minimum": rules.minimum = try reader.number()
            case "maximum": rules.maximum = try reader.number()
            case "exclusiveMinimum": rules.exclusiveMinimum = try reader.number()
            case "exclusiveMaximum": rules.exclusiveMaximum = try reader.number()
            case "items": rules.items = try reader.items()
            case "minItems": rules.minItems = try reader.count()
            case "maxItems": rules.maxItems = try reader.count()
            case "properties": rules.properties = try reader.properties()
            case "required": rules.required = try reader.required()
            case "additionalProperties": rules.additionalProperties = try reader.additionalProperties()
            case _ where JSONSchema.annotationKeywords.contains(keyword): continue
            default:
                let supported = JSONSchema.supportedKeywords.joined(separator: ", ")
                throw SchemaError(path: path, message: "unsupported keyword '\(keyword)' (supported: \(supported))")
            }
        }
        try checkRequiredCanBeMet(rules, at: path)
        return JSONSchema.Node(rules)
    }

    /// A property that is required but forbidden can never be supplied, so every call would
    /// fail; that's almost always a typo in one of the two lists.
    private static func checkRequiredCanBeMet(_ rules: JSONSchema.Rules, at path: String) throws(SchemaError) {
        guard case .forbidden = rules.additionalProperties else { return }
        for name in rules.required where rules.properties[name] == nil {
            throw SchemaError(
                path: path + "/required",
                message: "'\(name)' is required but not in 'properties', and additionalProperties is false"
            )
        }
    }
}

/// Reads one keyword's value, refusing values of the wrong shape.
private struct KeywordReader {
    let path: String
    let value: JSONValue

    func types() throws(SchemaError) -> JSONSchema.TypeSet {
        switch value {
        case .string(let name):
            return try type(named: name)
        case .array(let names) where !names.isEmpty:
            var set: JSONSchema.TypeSet = []
            for entry in names {
                guard case .string(let name) = entry else { throw error("must be a type name or an array of them") }
                let type = try type(named: name)
                guard !set.contains(type) else { throw error("lists '\(name)' twice") }
                set.insert(type)
            }
            return set
        default:
            throw error("must be a type name or a non-empty array of them")
        }
    }

    private func type(named name: String) throws(SchemaError) -> JSONSchema.TypeSet {
        guard let type = JSONSchema.TypeSet.names.first(where: { $0.0 == name })?.1 else {
            let known = JSONSchema.TypeSet.names.map(\.0).joined(separator: ", ")
            throw error("unknown type '\(name)' (known: \(known))")
        }
        return type
    }

    func nonEmptyArray() throws(SchemaError) -> [JSONValue] {
        guard case .array(let values) = value, !values.isEmpty else { throw error("must be a non-empty array") }
        return values
    }

    /// A length or item count: a non-negative integer (`2.0` counts, as JSON can't tell).
    func count() throws(SchemaError) -> Int {
        guard case .number(let number) = value, number >= 0, number.rounded(.towardZero) == number,
            number < 9_007_199_254_740_992
        else { throw error("must be a non-negative integer, got \(value)") }
        return Int(number)
    }

    func number() throws(SchemaError) -> Double {
        guard case .number(let number) = value else { throw error("must be a number, got \(value.typeName)") }
        return number
    }

    func pattern() throws(SchemaError) -> JSONSchema.Pattern {
        guard case .string(let source) = value else { throw error("must be a string, got \(value.typeName)") }
        do {
            return try JSONSchema.Pattern(source)
        } catch {
            throw self.error("invalid regular expression \(value): \(error)")
        }
    }

    func format() throws(SchemaError) -> JSONSchema.Format {
        guard case .string(let name) = value else { throw error("must be a string, got \(value.typeName)") }
        guard let format = JSONSchema.Format(rawValue: name) else {
            let supported = JSONSchema.Format.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("unsupported format '\(name)' (supported: \(supported))")
        }
        return format
    }

    func items() throws(SchemaError) -> JSONSchema.Node {
        if case .array = value { throw error("must be a single schema; the array (tuple) form is not supported") }
        return try JSONSchema.Node.load(value, at: path)
    }

    func properties() throws(SchemaError) -> [String: JSONSchema.Node] {
        guard case .object(let members) = value else { throw error("must be an object of schemas") }
        var nodes: [String: JSONSchema.Node] = [:]
        for name in members.keys.sorted(by: String.utf8Order) {
            nodes[name] = try JSONSchema.Node.load(members[name]!, at: path + "/" + JSONSchema.pointerToken(name))
        }
        return nodes
    }

    func required() throws(SchemaError) -> [String] {
        guard case .array(let entries) = value else { throw error("must be an array of property names") }
        var names: [String] = []
        for entry in entries {
            guard case .string(let name) = entry else { throw error("must be an array of property names") }
            guard !names.contains(name) else { throw error("lists '\(name)' twice") }
            names.append(name)
        }
        return names
    }

    func additionalProperties() throws(SchemaError) -> JSONSchema.AdditionalProperties {
        switch value {
        case .bool(true): .allowed
        case .bool(false): .forbidden
        case .object: .schema(try JSONSchema.Node.load(value, at: path))
        default: throw error("must be a boolean or a schema, got \(value.typeName)")
        }
    }

    private func error(_ message: String) -> SchemaError {
        SchemaError(path: path, message: message)
    }
}
