/// The JSON-RPC 2.0 envelope MCP speaks: one message per HTTP POST (batches were removed in
/// 2025-06-18 and never existed in 2026-07-28; a 2025-03-26 batch is refused with a clear error).
enum JSONRPCMessage: Sendable {
    case request(id: JSONValue, method: String, params: [String: JSONValue])
    case notification(method: String, params: [String: JSONValue])
    /// A client's answer to a server request. The hub never sends requests to clients, so these
    /// are accepted (202) and dropped.
    case response

    var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): method
        case .response: nil
        }
    }

    var params: [String: JSONValue] {
        switch self {
        case .request(_, _, let params), .notification(_, let params): params
        case .response: [:]
        }
    }

    var id: JSONValue? {
        if case .request(let id, _, _) = self { return id }
        return nil
    }

    /// Parses one message; refusals name what is wrong, as JSON-RPC errors.
    static func parse(_ body: [UInt8]) throws(MCPError) -> JSONRPCMessage {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw MCPError(.parseError, "the body is not valid JSON: \(error)")
        }
        if case .array = value {
            throw MCPError(.invalidRequest, "JSON-RPC batches are not supported (removed in MCP 2025-06-18): send one message per request")
        }
        guard case .object(let object) = value else {
            throw MCPError(.invalidRequest, "a JSON-RPC message is an object, found \(value.typeName)")
        }
        guard object["jsonrpc"] == .string("2.0") else {
            throw MCPError(.invalidRequest, "\"jsonrpc\" must be \"2.0\"")
        }
        let params: [String: JSONValue]
        switch object["params"] {
        case nil, .null?: params = [:]
        case .object(let members)?: params = members
        case let other?: throw MCPError(.invalidRequest, "\"params\" must be an object, found \(other.typeName)", id: object["id"])
        }
        guard let methodValue = object["method"] else {
            if object["result"] != nil || object["error"] != nil { return .response }
            throw MCPError(.invalidRequest, "the message has neither \"method\" nor \"result\"/\"error\"")
        }
        guard case .string(let method) = methodValue, !method.isEmpty else {
            throw MCPError(.invalidRequest, "\"method\" must be a non-empty string")
        }
        guard let id = object["id"] else { return .notification(method: method, params: params) }
        switch id {
        case .string, .number: return .request(id: id, method: method, params: params)
        default: throw MCPError(.invalidRequest, "\"id\" must be a string or a number, found \(id.typeName)")
        }
    }

    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }
}

/// A JSON-RPC error, with the HTTP status MCP's Streamable HTTP transport gives it. The one door
/// whose refusals are not in the REST error shape: MCP clients read JSON-RPC errors.
struct MCPError: Error, Sendable {
    enum Code: Int, Sendable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
        /// 2026-07-28: a standard header (MCP-Protocol-Version, Mcp-Method, Mcp-Name) is missing
        /// or disagrees with the body.
        case headerMismatch = -32020
        /// 2026-07-28: the requested protocol version is not served here.
        case unsupportedProtocolVersion = -32022
    }

    var code: Code
    var message: String
    var data: JSONValue?
    /// The request's id when it could be read (null otherwise, as JSON-RPC says).
    var id: JSONValue?
    var httpStatus: Int
    var headers: [(name: String, value: String)] = []
    /// The stage the audit row names for this refusal.
    var stage: Stage = .validate

    init(_ code: Code, _ message: String, data: JSONValue? = nil, id: JSONValue? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.data = data
        self.id = id
        self.httpStatus = httpStatus ?? Self.defaultStatus(code)
    }

    /// 2026-07-28 gives -32601 404 and the validation errors 400; the rest ride on 200 like any
    /// JSON-RPC answer, except a body that could not be read at all (400).
    private static func defaultStatus(_ code: Code) -> Int {
        switch code {
        case .methodNotFound: 404
        case .parseError, .invalidRequest, .headerMismatch, .unsupportedProtocolVersion: 400
        case .invalidParams, .internalError: 200
        }
    }

    func withId(_ id: JSONValue?) -> MCPError {
        var copy = self
        if copy.id == nil { copy.id = id }
        return copy
    }

    var body: JSONValue {
        var error: [String: JSONValue] = ["code": .number(Double(code.rawValue)), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id ?? .null, "error": .object(error)]
    }
}
