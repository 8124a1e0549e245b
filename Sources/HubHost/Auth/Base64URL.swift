import Foundation

/// Unpadded base64url (RFC 7515 §2), as used by every JWS segment.
///
/// jwt-kit keeps its own codec `package`-scoped, so the verifier decodes segments itself;
/// this is encoding only, all cryptography stays in jwt-kit. It works on bytes because
/// `String.replacingOccurrences` bridges through NSString on Linux and cost more than the
/// signature check itself.
enum Base64URL {
    static func decode(_ text: Substring) -> [UInt8]? {
        let count = text.utf8.count
        // A remainder of 1 can never come from real bytes; padding is not allowed in a JWS.
        guard count % 4 != 1 else { return nil }
        var standard = [UInt8]()
        standard.reserveCapacity(count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return nil
            default: standard.append(byte)
            }
        }
        standard.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - count % 4) % 4))
        return Data(base64Encoded: Data(standard)).map { [UInt8]($0) }
    }

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        text.removeAll { $0 == "=" }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }
}
