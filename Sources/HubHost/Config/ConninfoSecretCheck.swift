/// Checks a libpq connection string before it is stored in config.
///
/// Secrets never live in config, so a conninfo that carries a password is refused: the password
/// belongs in a passfile (`passfile=`, or `~/.pgpass`). Both libpq forms are understood:
/// `host=db user=hub dbname=ops` and `postgresql://hub@db/ops?sslmode=require`.
enum ConninfoSecretCheck {
    /// Why `conninfo` is refused, or nil when it may be used.
    static func refusal(for conninfo: String) -> String? {
        let trimmed = conninfo.drop { $0.isWhitespace }
        guard !trimmed.isEmpty else { return "conninfo is empty" }
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            return uriRefusal(trimmed)
        }
        guard let keywords = keywords(in: trimmed) else {
            return "conninfo is not valid (expected key=value pairs or a postgresql:// URI)"
        }
        return keywords.contains("password") ? passwordRefusal : nil
    }

    private static let passwordRefusal =
        "conninfo must not contain a password (secrets never live in config; use a passfile such as ~/.pgpass)"

    private static func uriRefusal(_ uri: Substring) -> String? {
        guard let schemeEnd = uri.firstRange(of: "://")?.upperBound else { return nil }
        let afterScheme = uri[schemeEnd...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            return passwordRefusal
        }
        if let question = afterScheme.firstIndex(of: "?") {
            let names = afterScheme[afterScheme.index(after: question)...]
                .split(separator: "&")
                .map { percentDecoded($0.prefix { $0 != "=" }).lowercased() }
            if names.contains("password") { return passwordRefusal }
        }
        return nil
    }

    /// libpq percent-decodes URI parameter names, so `pass%77ord` must be caught too.
    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = text.utf8[...]
        while let byte = rest.first {
            if byte == UInt8(ascii: "%"), rest.count >= 3,
               let decoded = UInt8(String(decoding: rest.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(decoded)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
                rest = rest.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The keywords of a `key=value …` string, lowercased; nil when it does not parse.
    /// Values may be single-quoted, with `\'` and `\\` escapes, as libpq allows.
    private static func keywords(in conninfo: Substring) -> [String]? {
        var keywords: [String] = []
        var rest = conninfo
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard !rest.isEmpty else { return keywords }
            let keyword = rest.prefix { $0 != "=" && !$0.isWhitespace }
            rest = rest.dropFirst(keyword.count).drop { $0.isWhitespace }
            guard !keyword.isEmpty, rest.first == "=" else { return nil }
            rest = rest.dropFirst().drop { $0.isWhitespace }
            guard let afterValue = skipValue(rest) else { return nil }
            rest = afterValue
            keywords.append(keyword.lowercased())
        }
    }

    private static func skipValue(_ text: Substring) -> Substring? {
        var rest = text
        let quoted = rest.first == "'"
        if quoted { rest = rest.dropFirst() }
        while let character = rest.first {
            if character == "\\" {
                rest = rest.dropFirst(2)
            } else if quoted && character == "'" {
                return rest.dropFirst()
            } else if !quoted && character.isWhitespace {
                return rest
            } else {
                rest = rest.dropFirst()
            }
        }
        return quoted ? nil : rest
    }
}
