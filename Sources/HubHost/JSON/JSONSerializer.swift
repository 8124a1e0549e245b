extension JSONValue {
    /// Compact canonical text: no whitespace, object keys sorted by their UTF-8 bytes, integral
    /// numbers below 2^53 without a fraction, other numbers in shortest round-trip form.
    ///
    /// The same value always gives the same text, so it can be hashed, compared, or logged and
    /// diffed. Non-finite numbers (which `parse` never produces) are written as `null`.
    var serialized: String {
        var writer = JSONWriter()
        writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension String {
    /// The order `serialized` writes object keys in: plain byte order, which (unlike `<` on
    /// `String`) doesn't depend on Unicode normalization.
    static func utf8Order(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}

private struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): write(number)
        case .string(let string): write(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, key) in members.keys.sorted(by: String.utf8Order).enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(key)
                bytes.append(UInt8(ascii: ":"))
                write(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func write(_ number: Double) {
        guard number.isFinite else { return append("null") }
        // Below 2^53 every integer is exact, so "3" is both shorter and what a reader expects.
        // (-0 lands here too and becomes "0".)
        if number == number.rounded(.towardZero), abs(number) < 9_007_199_254_740_992 {
            append(String(Int64(number)))
        } else {
            // Swift's description is the shortest text that reads back as the same Double, and
            // its forms ("1e+20", "1.5e-07") are all valid JSON numbers.
            append(number.description)
        }
    }

    private mutating func write(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case ..<0x20:
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
