/// Extracts the token from an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
enum BearerCredential {
    /// Access tokens from Supabase are around 1 KB; anything far larger is not one of them,
    /// and refusing it early bounds the work an anonymous request can cause.
    static let maxTokenLength = 8 * 1024

    static func token(from header: String?) throws(AuthFailure) -> Substring {
        guard let header else { throw .missingHeader }
        let trimmed = header.drop { $0 == " " || $0 == "\t" }.dropLastWhile { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty { throw .missingHeader }

        let scheme = trimmed.prefix { $0 != " " }
        // The scheme is case-insensitive; another scheme (Basic, ...) carries no bearer credential.
        guard scheme.lowercased() == "bearer" else { throw .missingHeader }

        let token = trimmed.dropFirst(scheme.count).drop { $0 == " " }
        // Exactly one token: no further whitespace, only the compact-JWS alphabet.
        guard !token.isEmpty, token.utf8.count <= maxTokenLength,
            token.utf8.allSatisfy(isTokenByte)
        else { throw .malformedToken }
        return token
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }
}

extension Substring {
    fileprivate func dropLastWhile(_ predicate: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, predicate(last) { result = result.dropLast() }
        return result
    }
}
