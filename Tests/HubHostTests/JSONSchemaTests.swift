import Testing

@testable import HubHost

@Suite("JSONSchema")
struct JSONSchemaTests {
    /// One instance against one schema, both as JSON text; `violation` nil means it must pass.
    struct Case: Sendable, CustomTestStringConvertible {
        var schema: String
        var instance: String
        var violation: SchemaViolation?

        static func accepts(_ schema: String, _ instance: String) -> Case {
            Case(schema: schema, instance: instance, violation: nil)
        }

        static func rejects(_ schema: String, _ instance: String, at path: String, _ message: String) -> Case {
            Case(schema: schema, instance: instance, violation: SchemaViolation(path: path, message: message))
        }

        var testDescription: String { schema.count > 80 ? instance : "\(instance) against \(schema)" }
    }

    static func check(_ testCase: Case) throws {
        let schema = try JSONSchema(text: testCase.schema)
        let instance = try JSONValue.parse(testCase.instance)
        #expect(schema.validate(instance) == testCase.violation)
    }

    // MARK: Keywords

    @Test(
        "type",
        arguments: [
            Case.accepts(#"{"type":"string"}"#, #""x""#),
            Case.rejects(#"{"type":"string"}"#, "1", at: "", "expected string, got number"),
            Case.accepts(#"{"type":"number"}"#, "1.5"),
            Case.rejects(#"{"type":"number"}"#, #""1""#, at: "", "expected number, got string"),
            Case.accepts(#"{"type":"integer"}"#, "3"),
            Case.accepts(#"{"type":"integer"}"#, "3.0"),
            Case.accepts(#"{"type":"integer"}"#, "-1e3"),
            Case.rejects(#"{"type":"integer"}"#, "3.5", at: "", "expected integer, got number"),
            Case.accepts(#"{"type":"boolean"}"#, "false"),
            Case.rejects(#"{"type":"boolean"}"#, "0", at: "", "expected boolean, got number"),
            Case.accepts(#"{"type":"null"}"#, "null"),
            Case.rejects(#"{"type":"null"}"#, "false", at: "", "expected null, got boolean"),
            Case.accepts(#"{"type":"array"}"#, "[]"),
            Case.rejects(#"{"type":"array"}"#, "{}", at: "", "expected array, got object"),
            Case.accepts(#"{"type":"object"}"#, "{}"),
            Case.rejects(#"{"type":"object"}"#, "[]", at: "", "expected object, got array"),
            Case.accepts(#"{"type":["string","null"]}"#, "null"),
            Case.rejects(#"{"type":["string","null"]}"#, "1", at: "", "expected string or null, got number"),
            Case.rejects(#"{"type":["null","array","object"]}"#, "1", at: "", "expected object, array or null, got number"),
            Case.accepts("{}", #"{"anything":[1,"goes"]}"#),
        ]
    )
    func type(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "properties, required, additionalProperties",
        arguments: [
            Case.accepts(#"{"properties":{"a":{"type":"string"}}}"#, #"{"a":"x","b":1}"#),
            Case.accepts(#"{"properties":{"a":{"type":"string"}}}"#, #"{}"#),
            Case.accepts(#"{"properties":{"a":{"type":"string"}}}"#, "[1]"),  // only applies to objects
            Case.rejects(#"{"properties":{"a":{"type":"string"}}}"#, #"{"a":1}"#, at: "/a", "expected string, got number"),
            Case.rejects(
                #"{"properties":{"a":{"properties":{"b":{"type":"string"}}}}}"#, #"{"a":{"b":true}}"#,
                at: "/a/b", "expected string, got boolean"),
            Case.rejects(
                #"{"properties":{"a/b~c":{"type":"string"}}}"#, #"{"a/b~c":1}"#,
                at: "/a~1b~0c", "expected string, got number"),
            Case.rejects(#"{"properties":{"a":false}}"#, #"{"a":1}"#, at: "/a", "no value is allowed here"),
            Case.accepts(#"{"properties":{"a":true}}"#, #"{"a":1}"#),
            Case.accepts(#"{"required":["a","b"]}"#, #"{"a":null,"b":0}"#),
            Case.rejects(#"{"required":["a","b"]}"#, #"{"a":1}"#, at: "", "required property 'b' is missing"),
            Case.rejects(#"{"required":["a","b"]}"#, #"{}"#, at: "", "required property 'a' is missing"),
            Case.rejects(
                #"{"properties":{"p":{"required":["q"]}}}"#, #"{"p":{}}"#, at: "/p", "required property 'q' is missing"),
            Case.accepts(#"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1}"#),
            Case.rejects(
                #"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1,"zz":2}"#,
                at: "", "property 'zz' is not allowed"),
            Case.accepts(#"{"additionalProperties":true}"#, #"{"x":1}"#),
            Case.accepts(#"{"additionalProperties":{"type":"integer"}}"#, #"{"x":1,"y":2}"#),
            Case.rejects(
                #"{"properties":{"s":{"type":"string"}},"additionalProperties":{"type":"integer"}}"#,
                #"{"s":"ok","y":"no"}"#, at: "/y", "expected integer, got string"),
        ]
    )
    func objects(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "items, minItems, maxItems",
        arguments: [
            Case.accepts(#"{"items":{"type":"integer"}}"#, "[1,2,3]"),
            Case.accepts(#"{"items":{"type":"integer"}}"#, "[]"),
            Case.rejects(#"{"items":{"type":"integer"}}"#, #"[1,2,"3"]"#, at: "/2", "expected integer, got string"),
            Case.rejects(
                #"{"properties":{"items":{"items":{"properties":{"name":{"type":"string"}}}}}}"#,
                #"{"items":[{"name":"a"},{},{"name":"c"},{"name":4}]}"#,
                at: "/items/3/name", "expected string, got number"),
            Case.rejects(#"{"items":false}"#, "[1]", at: "/0", "no value is allowed here"),
            Case.accepts(#"{"minItems":2,"maxItems":3}"#, "[1,2]"),
            Case.accepts(#"{"minItems":2,"maxItems":3}"#, "[1,2,3]"),
            Case.rejects(#"{"minItems":2}"#, "[1]", at: "", "array has 1 item, fewer than the minimum of 2"),
            Case.rejects(#"{"maxItems":3}"#, "[1,2,3,4]", at: "", "array has 4 items, more than the maximum of 3"),
            Case.accepts(#"{"maxItems":0}"#, #""not an array""#),
        ]
    )
    func arrays(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "enum and const",
        arguments: [
            Case.accepts(#"{"enum":["open","closed",1,null,{"a":[1]}]}"#, #""closed""#),
            Case.accepts(#"{"enum":["open","closed",1,null,{"a":[1]}]}"#, "1.0"),
            Case.accepts(#"{"enum":["open","closed",1,null,{"a":[1]}]}"#, #"{"a":[1]}"#),
            Case.rejects(
                #"{"enum":["open","closed"]}"#, #""merged""#, at: "", #"value must be one of "open", "closed""#),
            Case.rejects(#"{"enum":[1]}"#, #""1""#, at: "", "value must be one of 1"),
            Case.accepts(#"{"const":{"b":[true],"a":1}}"#, #"{"a":1,"b":[true]}"#),
            Case.rejects(#"{"const":{"a":1}}"#, #"{"a":2}"#, at: "", #"value must be {"a":1}"#),
            Case.rejects(#"{"const":false}"#, "0", at: "", "value must be false"),
        ]
    )
    func values(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "minLength, maxLength, pattern",
        arguments: [
            Case.accepts(#"{"minLength":2,"maxLength":3}"#, #""ab""#),
            Case.rejects(#"{"minLength":2}"#, #""a""#, at: "", "'a' is shorter than the minimum length of 2"),
            Case.rejects(#"{"maxLength":3}"#, #""abcd""#, at: "", "'abcd' is longer than the maximum length of 3"),
            // Lengths are Unicode scalars: one emoji is 1, "e" + combining accent is 2.
            Case.accepts(#"{"maxLength":1}"#, #""😀""#),
            Case.rejects(#"{"maxLength":1}"#, #""e\u0301""#, at: "", "'é' is longer than the maximum length of 1"),
            Case.accepts(#"{"minLength":5}"#, "12"),  // only applies to strings
            Case.accepts(#"{"pattern":"^[a-z]+$"}"#, #""abc""#),
            Case.rejects(#"{"pattern":"^[a-z]+$"}"#, #""x1""#, at: "", "'x1' does not match pattern ^[a-z]+$"),
            // `$` doesn't match before a trailing newline (it does in PCRE).
            Case.rejects(#"{"pattern":"^[a-z]+$"}"#, #""abc\n""#, at: "", #"'abc\n' does not match pattern ^[a-z]+$"#),
            // Unanchored: a match anywhere will do.
            Case.accepts(#"{"pattern":"b+"}"#, #""abbbc""#),
            Case.accepts(#"{"pattern":"^\\d{3}$"}"#, #""123""#),
            // \d is ASCII only, as in ECMA-262.
            Case.rejects(#"{"pattern":"^\\d+$"}"#, #""١٢""#, at: "", #"'١٢' does not match pattern ^\d+$"#),
            // "." is one code point, not one grapheme cluster.
            Case.rejects(#"{"pattern":"^.$"}"#, #""e\u0301""#, at: "", "'é' does not match pattern ^.$"),
            Case.accepts(#"{"pattern":"^(a|b)+$"}"#, #""abba""#),
        ]
    )
    func strings(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "minimum, maximum, exclusiveMinimum, exclusiveMaximum",
        arguments: [
            Case.accepts(#"{"minimum":1,"maximum":100}"#, "1"),
            Case.accepts(#"{"minimum":1,"maximum":100}"#, "100"),
            Case.rejects(#"{"minimum":1}"#, "0", at: "", "0 is less than the minimum of 1"),
            Case.rejects(#"{"minimum":0.5}"#, "0.25", at: "", "0.25 is less than the minimum of 0.5"),
            Case.rejects(#"{"maximum":100}"#, "101", at: "", "101 is greater than the maximum of 100"),
            Case.accepts(#"{"exclusiveMinimum":0,"exclusiveMaximum":1}"#, "0.5"),
            Case.rejects(#"{"exclusiveMinimum":0}"#, "0", at: "", "0 is not greater than the exclusive minimum of 0"),
            Case.rejects(#"{"exclusiveMaximum":1}"#, "1", at: "", "1 is not less than the exclusive maximum of 1"),
            Case.accepts(#"{"minimum":10}"#, #""5""#),  // only applies to numbers
        ]
    )
    func numbers(_ testCase: Case) throws { try Self.check(testCase) }

    @Test(
        "format",
        arguments: [
            Case.accepts(#"{"format":"uuid"}"#, #""123e4567-e89b-12d3-a456-426614174000""#),
            Case.accepts(#"{"format":"uuid"}"#, #""123E4567-E89B-12D3-A456-426614174000""#),
            Case.accepts(#"{"format":"uuid"}"#, #""00000000-0000-0000-0000-000000000000""#),
            Case.rejects(
                #"{"format":"uuid"}"#, #""123e4567e89b12d3a456426614174000""#,
                at: "", "'123e4567e89b12d3a456426614174000' is not a valid uuid"),
            Case.rejects(
                #"{"format":"uuid"}"#, #""123e4567-e89b-12d3-a456-42661417400g""#,
                at: "", "'123e4567-e89b-12d3-a456-42661417400g' is not a valid uuid"),
            Case.rejects(
                #"{"format":"uuid"}"#, #""{123e4567-e89b-12d3-a456-426614174000}""#,
                at: "", "'{123e4567-e89b-12d3-a456-426614174000}' is not a valid uuid"),
            Case.accepts(#"{"format":"uuid"}"#, "42"),  // only applies to strings
            Case.accepts(#"{"format":"date-time"}"#, #""2026-01-01T00:00:00Z""#),
            Case.accepts(#"{"format":"date-time"}"#, #""2026-01-01t00:00:00z""#),
            Case.accepts(#"{"format":"date-time"}"#, #""2026-06-30T13:45:10.123456+02:00""#),
            Case.accepts(#"{"format":"date-time"}"#, #""2024-02-29T23:59:59-08:00""#),
            Case.accepts(#"{"format":"date-time"}"#, #""1998-12-31T23:59:60Z""#),
            Case.accepts(#"{"format":"date-time"}"#, #""1998-12-31T15:59:60-08:00""#),
            Case.rejects(
                #"{"format":"date-time"}"#, #""1998-12-31T23:58:60Z""#,
                at: "", "'1998-12-31T23:58:60Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2025-02-29T00:00:00Z""#,
                at: "", "'2025-02-29T00:00:00Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-13-01T00:00:00Z""#,
                at: "", "'2026-13-01T00:00:00Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01T24:00:00Z""#,
                at: "", "'2026-01-01T24:00:00Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01T00:00:00""#,
                at: "", "'2026-01-01T00:00:00' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01 00:00:00Z""#,
                at: "", "'2026-01-01 00:00:00Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01T00:00:00.Z""#,
                at: "", "'2026-01-01T00:00:00.Z' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01T00:00:00+0100""#,
                at: "", "'2026-01-01T00:00:00+0100' is not a valid date-time"),
            Case.rejects(
                #"{"format":"date-time"}"#, #""2026-01-01""#, at: "", "'2026-01-01' is not a valid date-time"),
        ]
    )
    func formats(_ testCase: Case) throws { try Self.check(testCase) }

    // MARK: Order and messages

    @Test func reportsTheFirstViolationDeterministically() throws {
        let schema = try JSONSchema(
            text: #"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"},"z0":{},"z1":{}},"additionalProperties":false,"required":["z1","z0"]}"#
        )
        // Required comes first, in the order the schema lists it.
        #expect(schema.validate(["c": 1])?.message == "required property 'z1' is missing")
        // Then members by key, whatever order the dictionary holds them in.
        for _ in 0..<20 {
            let instance: JSONValue = ["z1": "", "z0": "", "c": 1, "b": 2, "a": 3, "x": 0]
            #expect(schema.validate(instance) == SchemaViolation(path: "/a", message: "expected string, got number"))
        }
        #expect(
            schema.validate(["z1": "", "z0": "", "c": 1, "B": 0])
                == SchemaViolation(path: "", message: "property 'B' is not allowed"))
        // Type is checked before everything else.
        #expect(schema.validate("x")?.message == "expected object, got string")
    }

    @Test func messagesKeepInstanceTextShortAndOnOneLine() throws {
        let schema = try JSONSchema(text: #"{"maxLength":3}"#)
        let violation = try #require(schema.validate(.string(String(repeating: "a", count: 100) + "\n")))
        #expect(violation.message == "'\(String(repeating: "a", count: 64))…' is longer than the maximum length of 3")
        #expect(violation.description == violation.message, "root violations have no path prefix")
        let nested = SchemaViolation(path: "/a", message: "m")
        #expect(nested.description == "/a: m")
    }

    // MARK: A real tool schema

    static let toolSchema = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "list_commits",
          "description": "List commits of a repository.",
          "type": "object",
          "properties": {
            "repo": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z0-9._/-]+$",
                     "description": "owner/name", "examples": ["apple/swift"]},
            "ref": {"type": "string", "default": "main"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100}
          },
          "required": ["repo"],
          "additionalProperties": false
        }
        """#

    @Test(
        "realistic tool schema",
        arguments: [
            Case.accepts(toolSchema, #"{"repo":"apple/swift"}"#),
            Case.accepts(toolSchema, #"{"repo":"hummingbird-project/hummingbird","ref":"v2.0.0","limit":100}"#),
            Case.rejects(toolSchema, #"{}"#, at: "", "required property 'repo' is missing"),
            Case.rejects(toolSchema, #"{"ref":"main"}"#, at: "", "required property 'repo' is missing"),
            Case.rejects(toolSchema, #"[]"#, at: "", "expected object, got array"),
            Case.rejects(toolSchema, #"{"repo":42}"#, at: "/repo", "expected string, got number"),
            Case.rejects(toolSchema, #"{"repo":""}"#, at: "/repo", "'' is shorter than the minimum length of 1"),
            Case.rejects(
                toolSchema, #"{"repo":"a b"}"#, at: "/repo", "'a b' does not match pattern ^[A-Za-z0-9._/-]+$"),
            Case.rejects(
                toolSchema, #"{"repo":"a/b\n"}"#, at: "/repo", #"'a/b\n' does not match pattern ^[A-Za-z0-9._/-]+$"#),
            Case.rejects(toolSchema, #"{"repo":"a/b","ref":null}"#, at: "/ref", "expected string, got null"),
            Case.rejects(toolSchema, #"{"repo":"a/b","limit":0}"#, at: "/limit", "0 is less than the minimum of 1"),
            Case.rejects(toolSchema, #"{"repo":"a/b","limit":2.5}"#, at: "/limit", "expected integer, got number"),
            Case.rejects(
                toolSchema, #"{"repo":"a/b","limit":1000}"#, at: "/limit", "1000 is greater than the maximum of 100"),
            Case.rejects(toolSchema, #"{"repo":"a/b","force":true}"#, at: "", "property 'force' is not allowed"),
        ]
    )
    func realisticToolSchema(_ testCase: Case) throws { try Self.check(testCase) }

    @Test func validatesConcurrently() async throws {
        let schema = try JSONSchema(text: Self.toolSchema)
        let good: JSONValue = ["repo": "apple/swift", "limit": 5]
        let bad: JSONValue = ["repo": "apple swift"]
        let failures = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var failures = 0
                    for _ in 0..<500 {
                        if schema.validate(good) != nil { failures += 1 }
                        if schema.validate(bad)?.path != "/repo" { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    // MARK: Load errors

    struct BadSchema: Sendable, CustomTestStringConvertible {
        var schema: String
        var path: String
        var message: String

        init(_ schema: String, at path: String, _ message: String) {
            self.schema = schema
            self.path = path
            self.message = message
        }

        var testDescription: String { schema }
    }

    @Test(
        "schemas that can't be enforced are refused at load",
        arguments: [
            BadSchema(
                #"{"properties":{"ref":{"oneOf":[{"type":"string"}]}}}"#, at: "#/properties/ref",
                "unsupported keyword 'oneOf' (supported: type, enum, const, minLength"),
            BadSchema(##"{"$ref":"#/$defs/x","$defs":{"x":{}}}"##, at: "#", "unsupported keyword '$defs'"),
            BadSchema(#"{"items":{"unevaluatedItems":false}}"#, at: "#/items", "unsupported keyword 'unevaluatedItems'"),
            BadSchema(#"{"additionalProperties":{"if":{}}}"#, at: "#/additionalProperties", "unsupported keyword 'if'"),
            BadSchema(#"{"properties":{"a/b":{"allOf":[]}}}"#, at: "#/properties/a~1b", "unsupported keyword 'allOf'"),
            BadSchema(#"{"pattern":"("}"#, at: "#/pattern", #"invalid regular expression "(""#),
            BadSchema(#"{"properties":{"x":{"pattern":"[z-a]"}}}"#, at: "#/properties/x/pattern", "invalid regular expression"),
            BadSchema(#"{"pattern":1}"#, at: "#/pattern", "must be a string, got number"),
            BadSchema(#"{"format":"email"}"#, at: "#/format", "unsupported format 'email' (supported: uuid, date-time)"),
            BadSchema(#"{"type":"str"}"#, at: "#/type", "unknown type 'str'"),
            BadSchema(#"{"type":[]}"#, at: "#/type", "non-empty array"),
            BadSchema(#"{"type":["string","string"]}"#, at: "#/type", "lists 'string' twice"),
            BadSchema(#"{"type":["string",1]}"#, at: "#/type", "must be a type name"),
            BadSchema(#"{"required":"x"}"#, at: "#/required", "must be an array of property names"),
            BadSchema(#"{"required":["a","a"]}"#, at: "#/required", "lists 'a' twice"),
            BadSchema(#"{"minLength":-1}"#, at: "#/minLength", "must be a non-negative integer, got -1"),
            BadSchema(#"{"maxItems":1.5}"#, at: "#/maxItems", "must be a non-negative integer, got 1.5"),
            BadSchema(#"{"maxLength":"3"}"#, at: "#/maxLength", "must be a non-negative integer"),
            BadSchema(#"{"minimum":"1"}"#, at: "#/minimum", "must be a number, got string"),
            BadSchema(#"{"exclusiveMinimum":true}"#, at: "#/exclusiveMinimum", "must be a number, got boolean"),
            BadSchema(#"{"enum":[]}"#, at: "#/enum", "must be a non-empty array"),
            BadSchema(#"{"items":[{"type":"string"}]}"#, at: "#/items", "tuple"),
            BadSchema(#"{"properties":[]}"#, at: "#/properties", "must be an object of schemas"),
            BadSchema(#"{"properties":{"a":1}}"#, at: "#/properties/a", "must be an object or a boolean, got number"),
            BadSchema(#"{"additionalProperties":"no"}"#, at: "#/additionalProperties", "must be a boolean or a schema"),
            BadSchema(
                #"{"properties":{"a":{}},"required":["a","b"],"additionalProperties":false}"#, at: "#/required",
                "'b' is required but not in 'properties'"),
            BadSchema("true", at: "#", "the root schema must be an object, got boolean"),
            BadSchema(#"{"type":"object",}"#, at: "#", "invalid JSON: line 1, column 18: trailing comma"),
        ]
    )
    func refusesAtLoad(_ bad: BadSchema) {
        #expect(throws: SchemaError.self) { try JSONSchema(text: bad.schema) }
        do {
            _ = try JSONSchema(text: bad.schema)
        } catch {
            #expect(error.path == bad.path)
            #expect(error.message.contains(bad.message), "\(error)")
        }
    }

    @Test func describesLoadErrorsWithTheirPath() {
        do {
            _ = try JSONSchema(text: #"{"properties":{"ref":{"oneOf":[]}}}"#)
            Issue.record("should not load")
        } catch {
            #expect(error.description.hasPrefix("#/properties/ref: unsupported keyword 'oneOf' (supported: "))
        }
    }

    @Test func acceptsAnnotationsAnywhere() throws {
        let schema = try JSONSchema([
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "$comment": "c",
            "title": "t", "description": "d", "default": [:], "examples": [[:]],
            "properties": ["a": ["title": "A", "default": 1, "type": "integer"]],
        ])
        #expect(schema.validate(["a": 1]) == nil)
        #expect(schema.validate(["a": "1"])?.path == "/a")
    }
}
