extension JSONSchema.Node {
    /// Checks keywords in a fixed order — the ones every type has, then the ones for the
    /// instance's type — and stops at the first failure. Paths are built on the way back out,
    /// so a conforming instance never pays for them.
    func validate(_ instance: JSONValue) -> SchemaViolation? {
        if rules.rejectsEverything {
            return violation("no value is allowed here")
        }
        if let types = rules.types, !types.accepts(instance) {
            return violation("expected \(types.phrase), got \(instance.typeName)")
        }
        if let constant = rules.constant, instance != constant {
            return violation("value must be \(constant.serialized)")
        }
        if let allowed = rules.allowedValues, !allowed.contains(instance) {
            return violation("value must be one of \(Self.list(allowed))")
        }
        switch instance {
        case .string(let string): return validate(string: string)
        case .number(let number): return validate(number: number)
        case .array(let elements): return validate(array: elements)
        case .object(let members): return validate(object: members)
        case .null, .bool: return nil
        }
    }

    private func validate(string: String) -> SchemaViolation? {
        if rules.minLength != nil || rules.maxLength != nil {
            // JSON Schema counts code points, not grapheme clusters or UTF-16 units.
            let length = string.unicodeScalars.count
            if let minLength = rules.minLength, length < minLength {
                return violation("\(Self.quoted(string)) is shorter than the minimum length of \(minLength)")
            }
            if let maxLength = rules.maxLength, length > maxLength {
                return violation("\(Self.quoted(string)) is longer than the maximum length of \(maxLength)")
            }
        }
        if let pattern = rules.pattern, !pattern.matches(string) {
            return violation("\(Self.quoted(string)) does not match pattern \(pattern.source)")
        }
        if let format = rules.format, !format.accepts(string) {
            return violation("\(Self.quoted(string)) is not a valid \(format.rawValue)")
        }
        return nil
    }

    private func validate(number: Double) -> SchemaViolation? {
        let text = JSONValue.number(number).serialized
        if let minimum = rules.minimum, number < minimum {
            return violation("\(text) is less than the minimum of \(JSONValue.number(minimum))")
        }
        if let bound = rules.exclusiveMinimum, number <= bound {
            return violation("\(text) is not greater than the exclusive minimum of \(JSONValue.number(bound))")
        }
        if let maximum = rules.maximum, number > maximum {
            return violation("\(text) is greater than the maximum of \(JSONValue.number(maximum))")
        }
        if let bound = rules.exclusiveMaximum, number >= bound {
            return violation("\(text) is not less than the exclusive maximum of \(JSONValue.number(bound))")
        }
        return nil
    }

    private func validate(array elements: [JSONValue]) -> SchemaViolation? {
        if let minItems = rules.minItems, elements.count < minItems {
            return violation("array has \(Self.items(elements.count)), fewer than the minimum of \(minItems)")
        }
        if let maxItems = rules.maxItems, elements.count > maxItems {
            return violation("array has \(Self.items(elements.count)), more than the maximum of \(maxItems)")
        }
        if let items = rules.items {
            for (index, element) in elements.enumerated() {
                if let violation = items.validate(element) { return violation.nested(under: String(index)) }
            }
        }
        return nil
    }

    private func validate(object members: [String: JSONValue]) -> SchemaViolation? {
        for name in rules.required where members[name] == nil {
            return violation("required property \(Self.quoted(name)) is missing")
        }
        if rules.properties.isEmpty, case .allowed = rules.additionalProperties { return nil }
        // Dictionary order differs from run to run, so "first" means first by key. Sorting is
        // only worth paying for once we know there's something to report.
        guard members.contains(where: { validate(member: $0.key, $0.value) != nil }) else { return nil }
        for name in members.keys.sorted(by: String.utf8Order) {
            if let violation = validate(member: name, members[name]!) { return violation }
        }
        return nil
    }

    private func validate(member name: String, _ value: JSONValue) -> SchemaViolation? {
        if let schema = rules.properties[name] {
            return schema.validate(value)?.nested(under: name)
        }
        switch rules.additionalProperties {
        case .allowed: return nil
        case .forbidden: return violation("property \(Self.quoted(name)) is not allowed")
        case .schema(let schema): return schema.validate(value)?.nested(under: name)
        }
    }

    // MARK: Messages

    private func violation(_ message: String) -> SchemaViolation {
        SchemaViolation(path: "", message: message)
    }

    /// A string from the instance, quoted for a message: escaped as JSON would (so a message is
    /// always one line) and cut short, since inputs can be large.
    private static func quoted(_ string: String) -> String {
        let limit = 64
        var shown = string
        if string.unicodeScalars.count > limit {
            shown = String(String.UnicodeScalarView(string.unicodeScalars.prefix(limit))) + "…"
        }
        return "'" + JSONValue.string(shown).serialized.dropFirst().dropLast() + "'"
    }

    private static func list(_ values: [JSONValue]) -> String {
        let limit = 10
        let shown = values.prefix(limit).map(\.serialized).joined(separator: ", ")
        return values.count > limit ? shown + ", …" : shown
    }

    private static func items(_ count: Int) -> String {
        count == 1 ? "1 item" : "\(count) items"
    }
}
