/// The one rule for "may this caller call this tool": the role is at least the tool's `min_role`
/// and the provider gives the role a budget for the tool's category. Calling (Authorize and
/// RateLimit), listing (`GET /providers`, MCP `tools/list`) and anything else that shows tools
/// ask this, so a listing never advertises a tool the caller would be refused.
enum ToolAccess {
    /// What a role may spend on a category of a provider.
    enum Budget: Equatable {
        case unlimited
        case rate(Rate)
        /// The provider has rate limits and none for this role and category: refused (403).
        case none
    }

    static func permits(_ role: OpsRole, _ tool: ServedTool, in provider: LoadedProvider) -> Bool {
        role >= tool.policy.minRole && budget(for: role, category: tool.category, limits: provider.config.rateLimits) != .none
    }

    /// A provider without `rate_limits` is unlimited; with them, a role or category it does not
    /// mention has no budget (a missing budget is not an unlimited one).
    static func budget(for role: OpsRole, category: RateCategory, limits: [OpsRole: RoleRateLimit]) -> Budget {
        guard !limits.isEmpty else { return .unlimited }
        switch limits[role] {
        case .unlimited: return .unlimited
        case .limits(let categories):
            switch categories[category] {
            case .unlimited: return .unlimited
            case .rate(let rate): return .rate(rate)
            case nil: return .none
            }
        case nil: return .none
        }
    }

    /// Every tool of the generation the caller may call, in provider then tool order.
    static func callableTools(for role: OpsRole, in generation: RegistryGeneration) -> [(LoadedProvider, [ServedTool])] {
        generation.providers.values.sorted { $0.name < $1.name }.compactMap { provider in
            let tools = provider.tools.values.filter { permits(role, $0, in: provider) }.sorted { $0.name < $1.name }
            return tools.isEmpty ? nil : (provider, tools)
        }
    }
}
