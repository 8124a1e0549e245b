/// Converts a provider's `settings:` mapping to the compact JSON text handed to the provider at
/// init. Keys are sorted so the same config always yields the same bytes (plugins and caches can
/// compare settings by text). Scalars keep the types YAML resolved: `true` is a JSON boolean,
/// `30` a number, `"30"` a string.
enum SettingsJSON {
    static func encode(_ node: ConfigNode) throws(ConfigError) -> String {
        guard case .mapping = node.yaml.content else {
            throw node.error("expected a mapping, found \(node.foundDescription)")
        }
        var output = ""
        try write(node, to: &output)
        return output
    }

    private static func write(_ node: ConfigNode, to output: inout String) throws(ConfigError) {
        switch node.yaml.content {
        case .scalar(let scalar):
            try write(scalar.value, of: node, to: &output)
        case .sequence:
            output += "["
            for (index, item) in try node.list().enumerated() {
                if index > 0 { output += "," }
                try write(item, to: &output)
            }
            output += "]"
        case .mapping:
            output += "{"
            let entries = try node.keyedEntries().sorted { $0.key < $1.key }
            for (index, entry) in entries.enumerated() {
                if index > 0 { output += "," }
                writeString(entry.key, to: &output)
                output += ":"
                try write(entry.value, to: &output)
            }
            output += "}"
        }
    }

    private static func write(_ value: YAMLScalarValue, of node: ConfigNode, to output: inout String) throws(ConfigError) {
        switch value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        case .int(let int): output += String(int)
        case .float(let double):
            guard double.isFinite else { throw node.error("JSON cannot represent \(double); quote it to pass a string") }
            output += String(double)
        case .string(let string): writeString(string, to: &output)
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
