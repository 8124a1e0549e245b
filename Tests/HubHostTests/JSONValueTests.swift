import Testing

@testable import HubHost

@Suite("JSONValue")
struct JSONValueTests {
    // MARK: Round trips

    @Test(
        "valid documents serialize canonically",
        arguments: [
            ("null", "null"),
            ("true", "true"),
            (" \n\t false \r\n", "false"),
            ("0", "0"),
            ("-0", "0"),
            ("3.0", "3"),
            ("-12", "-12"),
            ("2.5", "2.5"),
            ("1E3", "1000"),
            ("1e-2", "0.01"),
            ("0.1", "0.1"),
            ("1.5e-7", "1.5e-07"),
            ("1e20", "1e+20"),
            ("9007199254740991", "9007199254740991"),
            ("-9007199254740991", "-9007199254740991"),
            // From 2^53 integers stop being exact; Swift's shortest form says so with ".0".
            ("9007199254740992", "9007199254740992.0"),
            ("1e16", "1e+16"),
            ("123456789012345678", "1.2345678901234568e+17"),
            (#""""#, #""""#),
            (#""a/b \/ \" \\ \b\f\n\r\t""#, #""a/b / \" \\ \b\f\n\r\t""#),
            (#""\u0001\u001f\u007f""#, "\"\\u0001\\u001f\u{7F}\""),
            (#""\u00e9 é \ud83d\ude00 😀""#, #""é é 😀 😀""#),
            (#""\u0000""#, #""\u0000""#),
            ("[]", "[]"),
            ("{}", "{}"),
            ("[ 1 , [ 2 , [ ] ] , { } ]", "[1,[2,[]],{}]"),
            (#"{ "b" : 1 , "a" : [ true , null ] }"#, #"{"a":[true,null],"b":1}"#),
            (#"{"b":1,"a":2,"é":3,"Z":4,"aa":5}"#, #"{"Z":4,"a":2,"aa":5,"b":1,"é":3}"#),
        ]
    )
    func roundTrip(input: String, canonical: String) throws {
        let value = try JSONValue.parse(input)
        #expect(value.serialized == canonical)
        // Canonical text is a fixed point.
        #expect(try JSONValue.parse(canonical) == value)
        #expect(try JSONValue.parse(canonical).serialized == canonical)
    }

    @Test func parsesStructure() throws {
        let value = try JSONValue.parse(#"{"repo":"apple/swift","limit":3,"deep":{"list":[1,"two",false,null]}}"#)
        #expect(value == ["repo": "apple/swift", "limit": 3, "deep": ["list": [1, "two", false, nil]]])
        #expect(value["repo"]?.stringValue == "apple/swift")
        #expect(value["limit"]?.numberValue == 3)
        #expect(value["deep"]?["list"]?.arrayValue?.count == 4)
        #expect(value["deep"]?.objectValue?.keys.sorted() == ["list"])
        #expect(value["missing"] == nil)
        #expect(value["repo"]?["x"] == nil, "subscript is nil unless object")
        #expect(JSONValue.bool(true).boolValue == true)
        #expect(JSONValue.string("x").numberValue == nil)
        #expect(JSONValue.null.isNull)
    }

    @Test func parsesFromBytes() throws {
        let bytes = Array(#"{"a":[1,2]}"#.utf8)
        #expect(try JSONValue.parse(bytes) == ["a": [1, 2]])
        #expect(try JSONValue.parse(bytes[...]) == ["a": [1, 2]])
        // A collection without contiguous storage takes the copying path.
        #expect(try JSONValue.parse(bytes.lazy.map { $0 }) == ["a": [1, 2]])
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = JSONValue.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONValue.parse(text)
        var levels = 0
        while case .array(let inner) = value {
            levels += 1
            value = inner.first ?? .null
        }
        #expect(levels == depth)
        _ = try JSONValue.parse(String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth))
    }

    @Test func serializesValuesBuiltInCode() {
        let value: JSONValue = ["text": "line\nbreak \u{1}", "n": 1.25, "big": 1e300, "list": [nil, true]]
        #expect(value.serialized == #"{"big":1e+300,"list":[null,true],"n":1.25,"text":"line\nbreak \u0001"}"#)
        #expect(JSONValue.number(.nan).serialized == "null")
        #expect(JSONValue.number(.infinity).serialized == "null")
        #expect("\(value)" == value.serialized)
    }

    // MARK: Errors

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var column: Int
        var message: String

        init(_ name: String, _ text: String, line: Int = 1, column: Int, _ message: String) {
            self.init(name, bytes: Array(text.utf8), line: line, column: column, message)
        }

        init(_ name: String, bytes: [UInt8], line: Int = 1, column: Int, _ message: String) {
            self.name = name
            self.bytes = bytes
            self.line = line
            self.column = column
            self.message = message
        }

        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed("empty input", "", column: 1, "unexpected end of input"),
        Malformed("only whitespace", " \n ", line: 2, column: 2, "unexpected end of input"),
        Malformed("trailing comma in object", #"{"a":1,}"#, column: 8, "trailing comma before '}'"),
        Malformed("trailing comma in array", "[1,2,]", column: 6, "trailing comma before ']'"),
        Malformed("trailing comma on a later line", "{\n  \"a\": 1,\n  \"b\": 2,\n}", line: 4, column: 1, "trailing comma"),
        Malformed("missing comma", #"{"a":1 "b":2}"#, column: 8, "expected ',' or '}' after an object member"),
        Malformed("missing colon", #"{"a" 1}"#, column: 6, "expected ':'"),
        Malformed("unquoted key", "{a:1}", column: 2, "expected a string key or '}'"),
        Malformed("single quotes", "['a']", column: 2, "unexpected character '''"),
        Malformed("unterminated string", #"{"a": "abc"#, column: 7, "unterminated string"),
        Malformed("unterminated escape", #""abc\"#, column: 1, "unterminated string"),
        Malformed("unterminated array", "[1, 2", column: 6, "expected ',' or ']'"),
        Malformed("bad escape", #"["ok", "a\x"]"#, column: 10, #"invalid escape '\x'"#),
        Malformed("short unicode escape", #""\u12G4""#, column: 2, "expected 4 hex digits"),
        Malformed("lone high surrogate", #""ab\ud800""#, column: 4, #"lone surrogate \uD800"#),
        Malformed("high surrogate then non-surrogate", #""\ud83d\u0041""#, column: 2, #"lone surrogate \uD83D"#),
        Malformed("high surrogate then text", #""\ud83dx""#, column: 2, "lone surrogate"),
        Malformed("lone low surrogate", #""\udc00""#, column: 2, #"lone surrogate \uDC00"#),
        Malformed("duplicate key", #"{"a":1,"a":2}"#, column: 8, #"duplicate key "a""#),
        Malformed("duplicate key, nested", "{\"x\": {\"k\": 1,\n \"k\": 2}}", line: 2, column: 2, "duplicate key"),
        Malformed("duplicate key by escape", #"{"é":1,"\u00e9":2}"#, column: 8, "duplicate key"),
        Malformed(
            "depth 65", String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            column: 65, "nesting deeper than 64 levels"),
        Malformed("leading zero", "[01]", column: 2, "leading zeros are not allowed"),
        Malformed("negative leading zero", "-012", column: 1, "leading zeros are not allowed"),
        Malformed("bare minus", "-", column: 2, "expected a digit after '-'"),
        Malformed("missing fraction digits", "1.", column: 3, "expected a digit after '.'"),
        Malformed("missing exponent digits", "1e+", column: 4, "expected a digit in the exponent"),
        Malformed("leading dot", ".5", column: 1, "unexpected character '.'"),
        Malformed("leading plus", "+1", column: 1, "unexpected character '+'"),
        Malformed("number too large", "[1e400]", column: 2, "number out of range"),
        Malformed("NaN", "NaN", column: 1, "unexpected character 'N'"),
        Malformed("Infinity", "-Infinity", column: 2, "expected a digit after '-'"),
        Malformed("misspelled literal", "[tru]", column: 2, "invalid literal, expected 'true'"),
        Malformed("capitalised literal", "True", column: 1, "unexpected character 'T'"),
        Malformed("line comment", "// hi\n1", column: 1, "unexpected character '/'"),
        Malformed("block comment", "[1 /* x */]", column: 4, "expected ',' or ']'"),
        Malformed("raw tab in string", "\"a\tb\"", column: 3, "unescaped control character U+0009"),
        Malformed("raw newline in string", "[\"a\nb\"]", column: 4, "unescaped control character U+000A"),
        Malformed("raw NUL in string", bytes: [0x22, 0x00, 0x22], column: 2, "U+0000"),
        Malformed("invalid UTF-8 continuation", bytes: [0x22, 0x61, 0xC3, 0x28, 0x22], column: 3, "invalid UTF-8"),
        Malformed("overlong UTF-8", bytes: [0x22, 0xC0, 0xAF, 0x22], column: 2, "invalid UTF-8"),
        Malformed("UTF-8 encoded surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], column: 2, "invalid UTF-8"),
        Malformed("UTF-8 beyond U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], column: 2, "invalid UTF-8"),
        Malformed("truncated UTF-8", bytes: [0x22, 0xE2, 0x82], column: 2, "invalid UTF-8"),
        Malformed("invalid UTF-8 after escape", bytes: Array(#""\n"#.utf8) + [0xFF, 0x22], column: 4, "invalid UTF-8"),
        Malformed("stray byte outside strings", bytes: [0x5B, 0xFF, 0x5D], column: 2, "unexpected byte 0xFF"),
        Malformed("byte order mark", bytes: [0xEF, 0xBB, 0xBF, 0x31], column: 1, "unexpected byte 0xEF"),
        Malformed("trailing garbage", #"{"a":1} x"#, column: 9, "unexpected character 'x' after the JSON value"),
        Malformed("two documents", "1 2", column: 3, "after the JSON value"),
        Malformed("columns count scalars", #"{"é😀":1,}"#, column: 9, "trailing comma"),
    ]

    @Test("malformed documents are refused with their position", arguments: malformed)
    func refusesMalformed(_ testCase: Malformed) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(testCase.bytes) }
        do {
            _ = try JSONValue.parse(testCase.bytes)
        } catch {
            #expect(error.line == testCase.line)
            #expect(error.column == testCase.column)
            #expect(error.message.contains(testCase.message), "\(error)")
        }
    }

    @Test func errorDescriptionNamesLineAndColumn() {
        do {
            _ = try JSONValue.parse(#"{"repo": "a", "b" 1}"#)
            Issue.record("should not parse")
        } catch {
            #expect(error.description == "line 1, column 19: expected ':' after an object key")
            #expect(error.offset == 18)
        }
        do {
            _ = try JSONValue.parse(#"{"a":1 "b":2}"#)
            Issue.record("should not parse")
        } catch {
            #expect(error.description == "line 1, column 8: expected ',' or '}' after an object member")
        }
    }
}
