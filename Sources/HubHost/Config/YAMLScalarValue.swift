/// The meaning of a scalar, resolved the way YAML's core schema does for the cases config cares
/// about. `yes`/`no`/`on`/`off` stay strings: a country code or a switch name silently turning
/// into a boolean is a classic YAML trap, and a typed key that wants a boolean says so loudly.
enum YAMLScalarValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    /// Resolves an unquoted scalar.
    static func resolvePlain(_ text: String) -> YAMLScalarValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        if let int = integer(text) { return int }
        if text.wholeMatch(of: /[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/) != nil, let double = Double(text) {
            return .float(double)
        }
        return .string(text)
    }

    private static func integer(_ text: String) -> YAMLScalarValue? {
        if text.wholeMatch(of: /[-+]?[0-9]+/) != nil {
            // Too large for Int: still a number, so keep its magnitude rather than calling it a string.
            if let int = Int(text) { return .int(int) }
            return Double(text).map { .float($0) }
        }
        if let match = text.wholeMatch(of: /0x([0-9a-fA-F]+)/), let int = Int(match.1, radix: 16) { return .int(int) }
        if let match = text.wholeMatch(of: /0o([0-7]+)/), let int = Int(match.1, radix: 8) { return .int(int) }
        return nil
    }

    /// How error messages name what was found: "the integer 5", "the string 'abc'".
    var foundDescription: String {
        switch self {
        case .null: "null"
        case .bool(let bool): "the boolean \(bool)"
        case .int(let int): "the integer \(int)"
        case .float(let double): "the number \(double)"
        case .string(let string): "the string '\(string)'"
        }
    }
}
