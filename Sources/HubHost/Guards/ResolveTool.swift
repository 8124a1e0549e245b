/// Finds the tool in the call's registry generation. An unknown provider and an unknown tool
/// look alike to the caller: 404.
struct ResolveTool: RequestStage {
    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let tool = request.generation.tool(provider: request.providerName, name: request.toolName) else {
            let what = request.generation.providers[request.providerName] == nil
                ? "no provider '\(request.providerName)'"
                : "provider '\(request.providerName)' has no tool '\(request.toolName)'"
            throw HubError(.notFound, what, stage: .resolve)
        }
        request.tool = tool
        // Every reply about a tool being retired says so, refusals included.
        if let deprecation = tool.policy.deprecation {
            request.responseHeaders += deprecation.headers(provider: tool.provider)
        }
    }
}
