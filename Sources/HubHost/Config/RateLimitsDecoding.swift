/// Reads a provider's `rate_limits:` block:
///
///     rate_limits:
///       ops_viewer: { reads: 100/hour }
///       ops_operator: { scans: 50/hour, reads: unlimited }
///       ops_admin: unlimited
enum RateLimitsDecoding {
    static func decode(_ node: ConfigNode) throws(ConfigError) -> [OpsRole: RoleRateLimit] {
        var limits: [OpsRole: RoleRateLimit] = [:]
        for entry in try node.keyedEntries() {
            guard let role = OpsRole(rawValue: entry.key) else {
                throw entry.keyError("unknown role '\(entry.key)' (expected \(OpsRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            limits[role] = try roleLimit(entry.value)
        }
        return limits
    }

    private static func roleLimit(_ node: ConfigNode) throws(ConfigError) -> RoleRateLimit {
        if isUnlimited(node) { return .unlimited }
        guard case .mapping = node.yaml.content else {
            throw node.error("expected 'unlimited' or a mapping of categories (\(categoryNames)), found \(node.foundDescription)")
        }
        var rules: [RateCategory: RateLimitRule] = [:]
        for entry in try node.keyedEntries() {
            guard let category = RateCategory(rawValue: entry.key) else {
                throw entry.keyError("unknown rate category '\(entry.key)' (expected \(categoryNames))")
            }
            rules[category] = try rule(entry.value)
        }
        return .limits(rules)
    }

    private static func rule(_ node: ConfigNode) throws(ConfigError) -> RateLimitRule {
        if isUnlimited(node) { return .unlimited }
        // A bare number (`reads: 100`) is read as text so the message can show the expected form.
        guard case .scalar(let scalar) = node.yaml.content, scalar.value != .null else {
            throw node.error("expected a rate (\(Rate.syntaxHelp)), found \(node.foundDescription)")
        }
        guard let rate = Rate(parsing: scalar.text) else {
            throw node.error("'\(scalar.text)' is not a rate (\(Rate.syntaxHelp))")
        }
        return .rate(rate)
    }

    private static func isUnlimited(_ node: ConfigNode) -> Bool {
        if case .scalar(let scalar) = node.yaml.content, scalar.value == .string("unlimited") { return true }
        return false
    }

    private static var categoryNames: String {
        RateCategory.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
