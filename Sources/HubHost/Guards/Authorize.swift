/// Role-based access: the caller's ops role must be at least the tool's `min_role`.
/// Together with RateLimit's budget check this is `ToolAccess.permits`, the rule listings use.
struct Authorize: RequestStage {
    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let caller = request.caller, let tool = request.tool else {
            throw HubError(.internal, "authorize ran before authenticate and resolve", stage: .authorize)
        }
        guard caller.role >= tool.policy.minRole else {
            throw HubError(
                .forbidden, "\(tool.provider).\(tool.name) requires \(tool.policy.minRole.rawValue)", stage: .authorize,
                reason: "role \(caller.role.rawValue) below min_role \(tool.policy.minRole.rawValue)")
        }
    }
}
