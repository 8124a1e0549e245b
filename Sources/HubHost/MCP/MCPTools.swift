/// A served tool as MCP describes it in `tools/list`.
enum MCPToolDescription {
    /// The provider's description, plus the deprecation sentence when the admin is retiring it
    /// (MCP has no deprecation field; models read descriptions).
    static func describe(_ tool: ServedTool) -> String {
        guard let deprecation = tool.policy.deprecation else { return tool.description }
        let successor = deprecation.successor.map { MCPToolName.of(provider: tool.provider, tool: $0) }
        return tool.description + " " + deprecation.sentence(successorName: successor)
    }

    static func of(_ tool: ServedTool, revision: String) -> JSONValue {
        let title = tool.title ?? "\(tool.provider) \(tool.name)"
        var annotations: [String: JSONValue] = [
            "readOnlyHint": .bool(tool.hints.readOnly), "destructiveHint": .bool(tool.hints.destructive),
            "idempotentHint": .bool(tool.hints.idempotent), "openWorldHint": .bool(tool.hints.openWorld),
        ]
        var entry: [String: JSONValue] = [
            "name": .string(MCPToolName.of(provider: tool.provider, tool: tool.name)),
            "description": .string(describe(tool)),
            "inputSchema": (try? JSONValue.parse(tool.schemaText)) ?? ["type": "object"],
            "_meta": [
                "dev.mcp-hub/provider": .string(tool.provider), "dev.mcp-hub/tool": .string(tool.name),
                "dev.mcp-hub/category": .string(tool.category.rawValue),
                "dev.mcp-hub/min_role": .string(tool.policy.minRole.rawValue),
                "dev.mcp-hub/timeout_ms": .number(Double(tool.policy.timeoutMs)),
            ],
        ]
        if MCPRevision.hasStructuredOutput(revision) {
            entry["title"] = .string(title)
            // Before 2026-07-28 an output schema had to describe an object.
            if let text = tool.outputSchemaText, let schema = try? JSONValue.parse(text),
                revision == MCPRevision.modern || schema["type"] == .string("object")
            {
                entry["outputSchema"] = schema
            }
        } else {
            annotations["title"] = .string(title)
        }
        entry["annotations"] = .object(annotations)
        return .object(entry)
    }
}

/// A tool call's outcome as an MCP `CallToolResult`. Whatever the pipeline refused or the tool
/// failed with is a result with `isError: true` and words a model can act on (MCP keeps JSON-RPC
/// errors for protocol faults: unknown tool, malformed params).
enum MCPCallResult {
    static func of(_ reply: ToolCallReply, revision: String, modern: Bool, serverInfo: JSONValue) -> JSONValue {
        let text = String(decoding: reply.body, as: UTF8.self)
        var result: [String: JSONValue]
        if reply.status == 200 {
            result = ["content": [["type": "text", "text": .string(text)]], "isError": false]
            if MCPRevision.hasStructuredOutput(revision), let value = try? JSONValue.parse(reply.body) {
                // Before 2026-07-28 structuredContent had to be an object.
                if modern || value.objectValue != nil { result["structuredContent"] = value }
            }
        } else {
            let error = (try? JSONValue.parse(reply.body))?["error"]
            let code = error?["code"]?.stringValue ?? "internal"
            var message = error?["message"]?.stringValue ?? "the call failed (HTTP \(reply.status))"
            let retryAfter = reply.headers.first { $0.name.lowercased() == "retry-after" }.flatMap { Int($0.value) }
            if let retryAfter, !message.contains("retry in") { message += "; retry in \(retryAfter) s" }
            var detail: [String: JSONValue] = ["code": .string(code), "http_status": .number(Double(reply.status)),
                                               "request_id": .string(reply.requestId)]
            if let retryAfter { detail["retry_after_seconds"] = .number(Double(retryAfter)) }
            result = [
                "content": [["type": "text", "text": .string("\(code): \(message)")]], "isError": true,
                "_meta": ["dev.mcp-hub/error": .object(detail)],
            ]
        }
        if modern {
            result["resultType"] = "complete"
            var meta = result["_meta"]?.objectValue ?? [:]
            meta[MCPRevision.metaServerInfo] = serverInfo
            result["_meta"] = .object(meta)
        }
        return .object(result)
    }

    /// The REST reply's bookkeeping headers, on the MCP reply too: request id, audit event id,
    /// the caller's rate budget.
    static func headers(of reply: ToolCallReply) -> [(name: String, value: String)] {
        var headers = [("X-Request-Id", reply.requestId)]
        if let eventId = reply.eventId { headers.append(("X-Run-Event-Id", eventId.uuidString.lowercased())) }
        headers += reply.headers.filter { $0.name.lowercased().hasPrefix("ratelimit-") }
        return headers
    }
}
