/// Why a config was refused: where (file:line:column), which key (`providers.socket.tools[1].name`)
/// and what was wrong. One error is enough to fix; the loader stops at the first.
struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// Absent only when there is no position to point at, such as an unreadable file.
    var mark: SourceMark?
    /// Empty when the problem belongs to the document as a whole.
    var keyPath: String
    var message: String

    var description: String {
        var parts: [String] = []
        if let mark { parts.append(mark.description) }
        if !keyPath.isEmpty { parts.append(keyPath) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
