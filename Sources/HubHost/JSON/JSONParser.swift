/// Why a document was refused, and where.
///
/// `offset` is the byte offset into the input; `line` and `column` are 1-based, with columns
/// counted in Unicode scalars so they match what an editor shows.
struct JSONParseError: Error, Sendable, CustomStringConvertible {
    var line: Int
    var column: Int
    var offset: Int
    var message: String

    var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Objects and arrays may nest this deep and no deeper. The parser and the validator are
    /// recursive, so the bound keeps hostile input from exhausting the stack.
    static let maximumDepth = 64

    /// Parses one JSON document (RFC 8259), refusing everything the RFC doesn't allow plus
    /// duplicate object keys: two parsers that resolve a duplicate differently (first wins vs.
    /// last wins) would let a caller show the validator one value and the provider another.
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result =
            bytes.withContiguousStorageIfAvailable { JSONParser.parse($0) }
            ?? Array(bytes).withUnsafeBufferPointer { JSONParser.parse($0) }
        return try result.get()
    }

    static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8)
    }
}

/// A recursive-descent parser over a byte buffer. It works on bytes rather than `Character`s so
/// that it sees exactly what was sent: invalid UTF-8 is an error, not a replacement character.
private struct JSONParser {
    /// An error before line and column are worked out, which only happens once, at the end.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes)
        do throws(Failure) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(parser.locate(error))
        }
    }

    private mutating func parseDocument() throws(Failure) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw failure("unexpected \(describe(bytes[index])) after the JSON value")
        }
        return value
    }

    // MARK: Values

    private mutating func parseValue() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw failure("unexpected end of input, expected a value") }
        switch byte {
        case .openBrace: return try parseObject()
        case .openBracket: return try parseArray()
        case .quote: return .string(try parseString())
        case .t: try parseLiteral("true"); return .bool(true)
        case .f: try parseLiteral("false"); return .bool(false)
        case .n: try parseLiteral("null"); return .null
        case .minus, .zero ... .nine: return .number(try parseNumber())
        default: throw failure("unexpected \(describe(byte)), expected a value")
        }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enterContainer()
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == .closeBrace {
            return leaveContainer(.object(members))
        }
        while true {
            skipWhitespace()
            guard peek() == .quote else {
                if peek() == .closeBrace { throw failure("trailing comma before '}'") }
                throw failure(members.isEmpty ? "expected a string key or '}'" : "expected a string key after ','")
            }
            let keyOffset = index
            let key = try parseString()
            // Swift compares strings by canonical equivalence, so "é" and "e\u{301}" collide
            // here too. Refusing is the safe reading: the dictionary can't hold both.
            guard members[key] == nil else {
                throw Failure(offset: keyOffset, message: "duplicate key \(JSONValue.string(key).serialized)")
            }
            skipWhitespace()
            guard peek() == .colon else { throw failure("expected ':' after an object key") }
            index += 1
            members[key] = try parseValue()
            skipWhitespace()
            switch peek() {
            case .comma: index += 1
            case .closeBrace: return leaveContainer(.object(members))
            default: throw failure("expected ',' or '}' after an object member")
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == .closeBracket {
            return leaveContainer(.array(elements))
        }
        while true {
            skipWhitespace()
            if peek() == .closeBracket { throw failure("trailing comma before ']'") }
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case .comma: index += 1
            case .closeBracket: return leaveContainer(.array(elements))
            default: throw failure("expected ',' or ']' after an array element")
            }
        }
    }

    /// Consumes the opening bracket, refusing to go deeper than `maximumDepth`.
    private mutating func enterContainer() throws(Failure) {
        depth += 1
        guard depth <= JSONValue.maximumDepth else {
            throw failure("nesting deeper than \(JSONValue.maximumDepth) levels")
        }
        index += 1
    }

    /// Consumes the closing bracket.
    private mutating func leaveContainer(_ value: JSONValue) -> JSONValue {
        depth -= 1
        index += 1
        return value
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(Failure) {
        let length = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
        guard bytes.count - index >= length, bytes[index..<index + length].elementsEqual(expected) else {
            throw failure("invalid literal, expected '\(literal)'")
        }
        index += length
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(Failure) -> Double {
        let start = index
        if peek() == .minus { index += 1 }
        guard let first = peek(), first.isDigit else { throw failure("expected a digit after '-'") }
        index += 1
        if first == .zero {
            if let next = peek(), next.isDigit { throw Failure(offset: start, message: "leading zeros are not allowed") }
        } else {
            skipDigits()
        }
        var isInteger = true
        if peek() == .dot {
            index += 1
            guard let next = peek(), next.isDigit else { throw failure("expected a digit after '.'") }
            skipDigits()
            isInteger = false
        }
        if peek() == .e || peek() == .upperE {
            index += 1
            if peek() == .plus || peek() == .minus { index += 1 }
            guard let next = peek(), next.isDigit else { throw failure("expected a digit in the exponent") }
            skipDigits()
            isInteger = false
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        // Fast path for the common case; 15 digits always fit a Double exactly.
        if isInteger, text.count <= 15 {
            var value = 0
            for byte in text where byte != .minus { value = value * 10 + Int(byte - .zero) }
            return Double(text.first == .minus ? -value : value)
        }
        // Correctly rounded; overflow gives infinity, which JSON can't carry back out.
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
            throw Failure(offset: start, message: "number out of range")
        }
        return value
    }

    private mutating func skipDigits() {
        while let byte = peek(), byte.isDigit { index += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote. Strings without escapes (most of them) are
    /// validated in place and decoded in one go; the first backslash switches to building a copy.
    private mutating func parseString() throws(Failure) -> String {
        let start = index
        index += 1
        let contentStart = index
        while index < bytes.count {
            switch bytes[index] {
            case .quote:
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                return String(decoding: content, as: UTF8.self)
            case .backslash:
                return try parseEscapedString(from: start, copying: contentStart..<index)
            case ..<0x20:
                throw controlCharacter(bytes[index])
            case ..<0x80:
                index += 1
            default:
                try skipUTF8Sequence()
            }
        }
        throw Failure(offset: start, message: "unterminated string")
    }

    private mutating func parseEscapedString(from start: Int, copying prefix: Range<Int>) throws(Failure) -> String {
        var buffer = Array(bytes[prefix])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case .quote:
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case .backslash:
                try parseEscape(into: &buffer, stringStart: start)
            case ..<0x20:
                throw controlCharacter(byte)
            case ..<0x80:
                buffer.append(byte)
                index += 1
            default:
                let sequenceStart = index
                try skipUTF8Sequence()
                buffer.append(contentsOf: bytes[sequenceStart..<index])
            }
        }
        throw Failure(offset: start, message: "unterminated string")
    }

    private mutating func parseEscape(into buffer: inout [UInt8], stringStart: Int) throws(Failure) {
        let escapeStart = index
        index += 1
        guard let byte = peek() else { throw Failure(offset: stringStart, message: "unterminated string") }
        index += 1
        switch byte {
        case .quote, .backslash, .slash: buffer.append(byte)
        case .b: buffer.append(0x08)
        case .f: buffer.append(0x0C)
        case .n: buffer.append(0x0A)
        case .r: buffer.append(0x0D)
        case .t: buffer.append(0x09)
        case .u:
            let scalar = try parseUnicodeEscape(escapeStart: escapeStart)
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw Failure(offset: escapeStart, message: "invalid escape '\\\(describeRaw(byte))'")
        }
    }

    /// Parses the hex digits of a `\u` escape (index is just past the `u`), pairing surrogates.
    private mutating func parseUnicodeEscape(escapeStart: Int) throws(Failure) -> Unicode.Scalar {
        let unit = try parseHex4(escapeStart: escapeStart)
        switch unit {
        case 0xD800...0xDBFF:
            let lowStart = index
            guard peek() == .backslash, index + 1 < bytes.count, bytes[index + 1] == .u else {
                throw loneSurrogate(unit, at: escapeStart)
            }
            index += 2
            let low = try parseHex4(escapeStart: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(unit, at: escapeStart) }
            let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            return Unicode.Scalar(value)!
        case 0xDC00...0xDFFF:
            throw loneSurrogate(unit, at: escapeStart)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = byte.hexValue else {
                throw Failure(offset: escapeStart, message: "invalid \\u escape, expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Steps over one well-formed multi-byte UTF-8 sequence starting at `index`, refusing
    /// overlong forms, encoded surrogates and anything past U+10FFFF (Unicode table 3-7).
    private mutating func skipUTF8Sequence() throws(Failure) {
        let lead = bytes[index]
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        let continuationCount: Int
        switch lead {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: continuationCount = 2; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
        case 0xED: continuationCount = 2; secondRange = 0x80...0x9F
        case 0xF0: continuationCount = 3; secondRange = 0x90...0xBF
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: continuationCount = 3; secondRange = 0x80...0x8F
        default: throw failure("invalid UTF-8")
        }
        guard index + continuationCount < bytes.count else { throw failure("invalid UTF-8") }
        guard secondRange.contains(bytes[index + 1]) else { throw failure("invalid UTF-8") }
        for offset in stride(from: 2, through: continuationCount, by: 1) {
            guard (0x80...0xBF).contains(bytes[index + offset]) else { throw failure("invalid UTF-8") }
        }
        index += continuationCount + 1
    }

    // MARK: Helpers

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn {
            index += 1
        }
    }

    private func failure(_ message: String) -> Failure {
        Failure(offset: index, message: message)
    }

    private func controlCharacter(_ byte: UInt8) -> Failure {
        failure("unescaped control character U+\(hex(byte, width: 4)) in string")
    }

    private func loneSurrogate(_ unit: UInt32, at offset: Int) -> Failure {
        Failure(offset: offset, message: "lone surrogate \\u\(hex(unit, width: 4)) in string")
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "character '\(describeRaw(byte))'" : "byte 0x\(hex(byte, width: 2))"
    }

    private func describeRaw(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "0x\(hex(byte, width: 2))"
    }

    private func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Turns a byte offset into line and column: only done once, for the error message.
    func locate(_ failure: Failure) -> JSONParseError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(failure.offset, bytes.count)] {
            if byte == .newline {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count scalars, not continuation bytes
                column += 1
            }
        }
        return JSONParseError(line: line, column: column, offset: failure.offset, message: failure.message)
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let newline = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let dot = UInt8(ascii: ".")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let zero = UInt8(ascii: "0")
    fileprivate static let nine = UInt8(ascii: "9")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let upperE = UInt8(ascii: "E")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let b = UInt8(ascii: "b")
    fileprivate static let e = UInt8(ascii: "e")
    fileprivate static let f = UInt8(ascii: "f")
    fileprivate static let n = UInt8(ascii: "n")
    fileprivate static let r = UInt8(ascii: "r")
    fileprivate static let t = UInt8(ascii: "t")
    fileprivate static let u = UInt8(ascii: "u")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")

    fileprivate var isDigit: Bool { self >= .zero && self <= .nine }

    fileprivate var hexValue: UInt8? {
        switch self {
        case .zero ... .nine: self - .zero
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
