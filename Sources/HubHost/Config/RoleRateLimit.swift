/// The limit on one rate category (`reads: 100/hour`); a category may also be `unlimited`.
enum RateLimitRule: Sendable, Equatable {
    case unlimited
    case rate(Rate)
}

/// What one role may do against one provider: either `unlimited`, or a rule per category.
/// A category the role does not list has no rule of its own here.
enum RoleRateLimit: Sendable, Equatable {
    case unlimited
    case limits([RateCategory: RateLimitRule])
}
