import Crypto
import Foundation

/// Keeps one huge tool result from bloating the audit table. A result of at most `maxBytes` UTF-8
/// bytes is stored as is; a larger one is replaced by a marker that still proves what it was:
///
///     {"truncated":true,"bytes":N,"sha256":"<hex of the full result>","prefix":"<first bytes>"}
///
/// `prefix` is the result's first `min(maxBytes / 2, 1024)` bytes, cut back to a whole UTF-8
/// character, as a JSON string, so the marker itself stays near or under the cap.
struct AuditResultCap: Sendable {
    static let defaultBytes = 64 * 1024
    static let maximumPrefixBytes = 1024

    var maxBytes: Int

    init(maxBytes: Int = AuditResultCap.defaultBytes) {
        self.maxBytes = max(maxBytes, 0)
    }

    func apply(_ result: String) -> String {
        let bytes = Array(result.utf8)
        guard bytes.count > maxBytes else { return result }
        let digest = AuditHex.sha256(bytes)
        var prefixLength = min(maxBytes / 2, Self.maximumPrefixBytes, bytes.count)
        // Step back over continuation bytes (10xxxxxx) so the prefix is valid UTF-8.
        while prefixLength > 0, prefixLength < bytes.count, bytes[prefixLength] & 0xC0 == 0x80 {
            prefixLength -= 1
        }
        let prefix = String(decoding: bytes[0..<prefixLength], as: UTF8.self)
        return #"{"truncated":true,"bytes":\#(bytes.count),"sha256":"\#(digest)","prefix":\#(Self.jsonString(prefix))}"#
    }

    /// A JSON string literal for `text`, escaping what RFC 8259 requires.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
