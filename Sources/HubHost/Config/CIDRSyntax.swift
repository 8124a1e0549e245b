#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Syntax of an address block such as `10.0.0.0/8` or `fd00::/8`. Addresses are checked with
/// `inet_pton`, the same parser the egress policy's resolver output goes through.
enum CIDRSyntax {
    static let syntaxHelp = "a CIDR block (ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fd00::/8)"

    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].allSatisfy(\.isASCII), parts[1].first != "+", let prefix = Int(parts[1]) else { return false }
        let address = String(parts[0])
        if isAddress(address, family: AF_INET) { return (0...32).contains(prefix) }
        if isAddress(address, family: AF_INET6) { return (0...128).contains(prefix) }
        return false
    }

    static func isIPAddress(_ text: String) -> Bool {
        isAddress(text, family: AF_INET) || isAddress(text, family: AF_INET6)
    }

    private static func isAddress(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return buffer.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) } == 1
    }
}
