/// What every node needs to turn a relative path into an absolute one.
struct ConfigContext: Sendable {
    /// The config path as given; it names the file in every error.
    var file: String
    /// The absolute directory of the config file.
    var directory: String
}

/// A YAML node together with its key path, so each typed read can refuse a value with the exact
/// file:line:column and key that were wrong, naming the type it expected.
struct ConfigNode: Sendable {
    let yaml: YAMLNode
    let keyPath: String
    let context: ConfigContext

    var mark: SourceMark { yaml.mark }

    func error(_ message: String) -> ConfigError {
        ConfigError(mark: mark, keyPath: keyPath, message: message)
    }

    var isNull: Bool {
        if case .scalar(let scalar) = yaml.content, scalar.value == .null { return true }
        return false
    }

    /// How error messages name this node's value.
    var foundDescription: String {
        switch yaml.content {
        case .scalar(let scalar): scalar.value.foundDescription
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    // MARK: Scalars

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = yaml.content, case .string(let text) = scalar.value else {
            let hint = isScalar && !isNull ? " (quote it to make it a string)" : ""
            throw error("expected a string, found \(foundDescription)\(hint)")
        }
        return text
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("expected a non-empty string") }
        return text
    }

    func bool() throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = yaml.content, case .bool(let bool) = scalar.value else {
            throw error("expected a boolean (true or false), found \(foundDescription)")
        }
        return bool
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .scalar(let scalar) = yaml.content, case .int(let int) = scalar.value else {
            throw error("expected an integer, found \(foundDescription)")
        }
        guard range.contains(int) else {
            throw error("\(int) is out of range (expected \(range.lowerBound)...\(range.upperBound))")
        }
        return int
    }

    /// A string with a syntax of its own. `expectation` completes "'text' is not …".
    func parsed<Value>(as expectation: String, _ parse: (String) -> Value?) throws(ConfigError) -> Value {
        let text = try string()
        guard let value = parse(text) else { throw error("'\(text)' is not \(expectation)") }
        return value
    }

    /// A file-system path, made absolute against the config file's directory.
    func path() throws(ConfigError) -> String {
        ConfigPath.absolute(try nonEmptyString(), relativeTo: context.directory)
    }

    private var isScalar: Bool {
        if case .scalar = yaml.content { return true }
        return false
    }

    // MARK: Collections

    func list() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let items) = yaml.content else {
            throw error("expected a list, found \(foundDescription)")
        }
        return items.enumerated().map { index, item in
            ConfigNode(yaml: item, keyPath: ConfigKeyPath.element(keyPath, index: index), context: context)
        }
    }

    /// A mapping with a fixed set of keys; any other key is an error at that key.
    func mapping(allowedKeys: [String]) throws(ConfigError) -> ConfigMapping {
        let entries = try keyedEntries()
        for entry in entries where !allowedKeys.contains(entry.key) {
            throw ConfigError(
                mark: entry.keyMark,
                keyPath: entry.value.keyPath,
                message: "unknown key '\(entry.key)' (expected \(allowedKeys.joined(separator: ", ")))"
            )
        }
        return ConfigMapping(node: self, entries: entries)
    }

    /// A mapping whose keys are names chosen by the operator (providers, roles, settings).
    func keyedEntries() throws(ConfigError) -> [ConfigEntry] {
        guard case .mapping(let entries) = yaml.content else {
            throw error("expected a mapping, found \(foundDescription)")
        }
        return entries.map { entry in
            ConfigEntry(
                key: entry.key,
                keyMark: entry.keyMark,
                value: ConfigNode(yaml: entry.value, keyPath: ConfigKeyPath.child(keyPath, key: entry.key), context: context)
            )
        }
    }
}

/// One `key: value` pair of a mapping, with where its key stands.
struct ConfigEntry: Sendable {
    var key: String
    var keyMark: SourceMark
    var value: ConfigNode

    /// An error about the key itself, such as a badly formed provider name.
    func keyError(_ message: String) -> ConfigError {
        ConfigError(mark: keyMark, keyPath: value.keyPath, message: message)
    }
}
