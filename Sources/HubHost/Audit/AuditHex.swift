import Crypto
import Foundation

/// Lower-case hex of a digest. The writer hashes every event on its single thread, and
/// `String(format: "%02x")` per byte costs more than the SHA-256 itself on Linux Foundation.
enum AuditHex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func sha256<D: DataProtocol>(_ data: D) -> String { string(SHA256.hash(data: data)) }
}
