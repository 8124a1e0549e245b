/// Parses the body as JSON and checks it against the tool's input schema before any provider
/// code runs. Errors name the position (malformed JSON) or the failing path (schema).
struct Validate: RequestStage {
    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let tool = request.tool else {
            throw HubError(.internal, "validate ran before resolve", stage: .validate)
        }
        if request.bodyTooLarge {
            throw HubError(.invalidInput, "the body exceeds \(HubRouter.maxBodyBytes) bytes", stage: .validate)
        }
        let input: JSONValue
        do {
            input = try JSONValue.parse(request.body.isEmpty ? Array("{}".utf8) : request.body)
        } catch {
            throw HubError(.invalidInput, "the body is not valid JSON: \(error)", stage: .validate)
        }
        if let violation = tool.schema.validate(input) {
            let path = violation.path.isEmpty ? "(root)" : violation.path
            throw HubError(.invalidInput, "input \(path): \(violation.message)", stage: .validate)
        }
        request.input = input
    }
}
