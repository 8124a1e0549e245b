/// A position in a config file, counted the way people and editors count it: lines and columns
/// start at 1. Rendered as `file:line:column` so terminals and editors can jump to it.
struct SourceMark: Sendable, Equatable, CustomStringConvertible {
    /// The config path exactly as it was given, so messages match what the operator typed.
    var file: String
    var line: Int
    var column: Int

    var description: String { "\(file):\(line):\(column)" }
}
