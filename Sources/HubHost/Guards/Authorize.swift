/// Role-based access: the caller's ops role must be at least the tool's `min_role`.
/// The same rule filters `GET /providers`, so listing never shows what calling would refuse.
struct Authorize: RequestStage {
    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let caller = request.caller, let tool = request.tool else {
            throw HubError(.internal, "authorize ran before authenticate and resolve", stage: .authorize)
        }
        guard Self.permits(caller.role, tool) else {
            throw HubError(
                .forbidden, "\(tool.provider).\(tool.name) requires \(tool.policy.minRole.rawValue)", stage: .authorize,
                reason: "role \(caller.role.rawValue) below min_role \(tool.policy.minRole.rawValue)")
        }
    }

    static func permits(_ role: OpsRole, _ tool: ServedTool) -> Bool {
        role >= tool.policy.minRole
    }
}
