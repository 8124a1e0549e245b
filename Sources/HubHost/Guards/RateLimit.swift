import Foundation
import Synchronization

/// Per-role budgets from the config, keyed by caller × provider × category. A role the config
/// gives no budget for a category is refused (the admin set budgets; a missing one is not an
/// unlimited one). A provider with no `rate_limits` block at all is unlimited.
struct RateLimit: RequestStage {
    let counters: any RateLimitCounters

    func apply(to request: inout ToolRequest) async throws(HubError) {
        guard let caller = request.caller, let tool = request.tool,
            let provider = request.generation.providers[tool.provider]
        else {
            throw HubError(.internal, "rate limit ran before authenticate and resolve", stage: .rateLimit)
        }
        let rule: Rate
        switch ToolAccess.budget(for: caller.role, category: tool.category, limits: provider.config.rateLimits) {
        case .unlimited:
            return
        case .rate(let rate):
            rule = rate
        case .none:
            throw HubError(
                .forbidden, "no \(tool.category.rawValue) budget is configured for \(caller.role.rawValue) on \(tool.provider)",
                stage: .rateLimit)
        }
        let key = RateLimitKey(caller: caller.id, provider: tool.provider, category: tool.category)
        let decision = counters.take(key, rule: rule, now: Date())
        request.responseHeaders += decision.headers
        guard decision.allowed else {
            throw HubError(
                .rateLimited,
                "\(rule.count) \(tool.category.rawValue) per \(rule.windowSeconds) s for \(caller.role.rawValue) on \(tool.provider); retry in \(decision.resetSeconds) s",
                stage: .rateLimit,
                headers: decision.headers + [(name: "Retry-After", value: String(decision.resetSeconds))])
        }
    }
}

struct RateLimitKey: Hashable, Sendable {
    var caller: String
    var provider: String
    var category: RateCategory
}

struct RateDecision: Sendable {
    var allowed: Bool
    var limit: Int
    var remaining: Int
    var resetSeconds: Int

    var headers: [(name: String, value: String)] {
        [("RateLimit-Limit", String(limit)), ("RateLimit-Remaining", String(remaining)),
         ("RateLimit-Reset", String(resetSeconds))]
    }
}

/// Where the counts live. In-process now; the seam lets them move to PostgreSQL so that
/// several hub instances share one budget.
protocol RateLimitCounters: Sendable {
    func take(_ key: RateLimitKey, rule: Rate, now: Date) -> RateDecision
}

/// Fixed windows that start at a key's first call: exactly `count` calls pass per window, the
/// next is refused until the window ends. Exact at the boundary, at the cost of allowing up to
/// 2×count across a window edge — the usual trade, stated here so nobody is surprised.
final class InProcessRateLimitCounters: RateLimitCounters {
    private struct Window { var start: Date; var used: Int }
    private let windows = Mutex<[RateLimitKey: Window]>([:])

    func take(_ key: RateLimitKey, rule: Rate, now: Date) -> RateDecision {
        windows.withLock { windows in
            var window = windows[key] ?? Window(start: now, used: 0)
            if now.timeIntervalSince(window.start) >= Double(rule.windowSeconds) {
                window = Window(start: now, used: 0)
            }
            let reset = max(1, Int((window.start.addingTimeInterval(Double(rule.windowSeconds)).timeIntervalSince(now)).rounded(.up)))
            guard window.used < rule.count else {
                windows[key] = window
                return RateDecision(allowed: false, limit: rule.count, remaining: 0, resetSeconds: reset)
            }
            window.used += 1
            windows[key] = window
            return RateDecision(allowed: true, limit: rule.count, remaining: rule.count - window.used, resetSeconds: reset)
        }
    }
}
