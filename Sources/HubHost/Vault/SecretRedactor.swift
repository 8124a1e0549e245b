import Foundation

/// Replaces every occurrence of known secret values in a text with `[REDACTED]`, including the
/// encodings a provider might echo back in an error or a result:
/// raw, JSON-escaped (with and without `\/`), base64 (standard and URL-safe, unpadded so it also
/// matches inside padded output), base64 of `value:` (HTTP Basic with the key as user, Socket's
/// scheme), and percent-encoded (upper- and lower-case hex, and `+` for spaces), hex of the
/// bytes, and the secret's part of the base64 of any text that contains it (HTTP Basic with any
/// user, `:secret`).
///
/// Short values are redacted too: a 6-character PIN is still a secret. The cost of redacting a
/// short common string (over-redaction) is a confusing message; the cost of skipping it is a leak.
///
/// Matching is one left-to-right pass over UTF-8 bytes with patterns bucketed by first byte and
/// tried longest first, so a 64 KiB text costs one scan, not one scan per pattern. A pattern is
/// valid UTF-8, so it can only match at a scalar boundary, and the output stays valid UTF-8.
struct SecretRedactor: Sendable {
    static let marker = "[REDACTED]"
    private static let markerBytes = Array(marker.utf8)

    /// Patterns indexed by their first byte, each list longest first.
    private let buckets: [[[UInt8]]]
    private let isEmpty: Bool

    init(secrets: [String]) {
        var patterns = Set<[UInt8]>()
        for secret in secrets where !secret.isEmpty {
            for form in Self.encodings(of: secret) where !form.isEmpty { patterns.insert(Array(form.utf8)) }
        }
        var buckets = [[[UInt8]]](repeating: [], count: 256)
        for pattern in patterns { buckets[Int(pattern[0])].append(pattern) }
        for index in buckets.indices { buckets[index].sort { $0.count > $1.count } }
        self.buckets = buckets
        self.isEmpty = patterns.isEmpty
    }

    func redact(_ text: String) -> String {
        guard !isEmpty else { return text }
        var text = text
        return text.withUTF8 { input in
            var output: [UInt8] = []
            var copiedUpTo = 0
            var index = 0
            while index < input.count {
                let candidates = buckets[Int(input[index])]
                if !candidates.isEmpty, let length = Self.longestMatch(candidates, in: input, at: index) {
                    if output.isEmpty { output.reserveCapacity(input.count) }
                    output.append(contentsOf: input[copiedUpTo..<index])
                    output.append(contentsOf: Self.markerBytes)
                    index += length
                    copiedUpTo = index
                } else {
                    index += 1
                }
            }
            guard copiedUpTo > 0 else { return String(decoding: input, as: UTF8.self) }
            output.append(contentsOf: input[copiedUpTo..<input.count])
            return String(decoding: output, as: UTF8.self)
        }
    }

    private static func longestMatch(_ candidates: [[UInt8]], in input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let remaining = input.count - index
        for pattern in candidates where pattern.count <= remaining {
            let equal = pattern.withUnsafeBufferPointer { p in
                memcmp(p.baseAddress!, input.baseAddress! + index, p.count) == 0
            }
            if equal { return pattern.count }
        }
        return nil
    }

    // MARK: - Encodings

    static func encodings(of secret: String) -> [String] {
        let bytes = Data(secret.utf8)
        let basic = Data((secret + ":").utf8)
        let emptyUser = Data((":" + secret).utf8)
        var forms = [
            secret,
            jsonEscaped(secret, escapeSlash: false),
            jsonEscaped(secret, escapeSlash: true),
            jsonEscaped(secret, escapeSlash: false, asciiOnly: true),
            unpadded(bytes.base64EncodedString()),
            urlSafe(unpadded(bytes.base64EncodedString())),
            unpadded(basic.base64EncodedString()),
            unpadded(emptyUser.base64EncodedString()),
            percentEncoded(secret, uppercase: true, spaceAsPlus: false),
            percentEncoded(secret, uppercase: false, spaceAsPlus: false),
            percentEncoded(secret, uppercase: true, spaceAsPlus: true),
            hex(bytes, uppercase: false),
            hex(bytes, uppercase: true),
        ]
        for core in base64Cores(of: bytes) { forms += [core, urlSafe(core)] }
        return forms
    }

    /// The part of the base64 of any text containing the secret that depends on the secret
    /// alone: for each of the three byte alignments the secret can have inside the encoded text
    /// (`user:secret` for any user, a secret in the middle of a JSON body), the characters after
    /// the first group (which mixes in the bytes before it) and without a last character that
    /// mixes in the bytes after it. Cores shorter than 4 characters are left out: they would
    /// match too much by chance, and the secret's own full forms still match.
    static func base64Cores(of secret: Data) -> [String] {
        var cores: [String] = []
        for alignment in 0...2 {
            let encoded = Array(unpadded((Data(count: alignment) + secret).base64EncodedString()))
            let dropHead = alignment == 0 ? 0 : 4
            let dropTail = (alignment + secret.count) % 3 == 0 ? 0 : 1
            guard encoded.count - dropHead - dropTail >= 4 else { continue }
            cores.append(String(encoded[dropHead..<(encoded.count - dropTail)]))
        }
        return cores
    }

    static func hex(_ bytes: Data, uppercase: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var result: [UInt8] = []
        for byte in bytes { result += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: result, as: UTF8.self)
    }

    /// The string as a JSON encoder writes it between quotes. `asciiOnly` escapes non-ASCII as
    /// `\uXXXX` (UTF-16, lower-case hex), as `JSONSerialization` and many encoders can.
    static func jsonEscaped(_ string: String, escapeSlash: Bool, asciiOnly: Bool = false) -> String {
        var result = ""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "/" where escapeSlash: result += "\\/"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 { result += "\\u" + hex4(unit) }
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// RFC 3986: everything but unreserved characters as %XX of its UTF-8 bytes.
    static func percentEncoded(_ string: String, uppercase: Bool, spaceAsPlus: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var result: [UInt8] = []
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus:
                result.append(UInt8(ascii: "+"))
            default:
                result += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static func unpadded(_ base64: String) -> String {
        String(base64.reversed().drop(while: { $0 == "=" }).reversed())
    }

    private static func urlSafe(_ base64: String) -> String {
        String(base64.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    private static func hex4(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}
