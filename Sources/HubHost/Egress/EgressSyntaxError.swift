/// A malformed `allowed_hosts` pattern or `allow_cidrs` block, quoted back with what was expected.
struct EgressSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var text: String
    var expected: String

    var description: String { "'\(text)' is not \(expected)" }
}
