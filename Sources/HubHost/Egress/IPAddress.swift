#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes in network order. The address policy reasons about
/// these bytes (what the resolver returned, what the kernel is asked to connect to), never about
/// how a URL spelled the host: `2130706433`, `0177.0.0.1` and `0x7f.1` all end up as 127.0.0.1.
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    let bytes: [UInt8]

    var isIPv4: Bool { bytes.count == 4 }

    init(ipv4 bytes: [UInt8]) {
        precondition(bytes.count == 4, "an IPv4 address is 4 bytes")
        self.bytes = bytes
    }

    init(ipv6 bytes: [UInt8]) {
        precondition(bytes.count == 16, "an IPv6 address is 16 bytes")
        self.bytes = bytes
    }

    /// Strict textual forms only (`inet_pton`): dotted-quad IPv4 or IPv6 without brackets. The
    /// legacy shorthands `inet_aton` accepts are deliberately not addresses here.
    init?(_ text: String) {
        var buffer = [UInt8](repeating: 0, count: 16)
        if buffer.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 {
            self.init(ipv4: Array(buffer[0..<4]))
        } else if buffer.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 {
            self.init(ipv6: buffer)
        } else {
            return nil
        }
    }

    /// The address in a `sockaddr_in` or `sockaddr_in6`, with its port; nil for other families.
    static func from(sockaddr pointer: UnsafeRawPointer) -> (address: IPAddress, port: Int)? {
        let family = pointer.load(as: sockaddr.self).sa_family
        switch Int32(family) {
        case AF_INET:
            let v4 = pointer.loadUnaligned(as: sockaddr_in.self)
            let bytes = withUnsafeBytes(of: v4.sin_addr) { Array($0) }
            return (IPAddress(ipv4: bytes), Int(UInt16(bigEndian: v4.sin_port)))
        case AF_INET6:
            let v6 = pointer.loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: v6.sin6_addr) { Array($0) }
            return (IPAddress(ipv6: bytes), Int(UInt16(bigEndian: v6.sin6_port)))
        default:
            return nil
        }
    }

    /// The IPv4 address carried inside an IPv4-mapped (`::ffff:a.b.c.d`), NAT64
    /// (`64:ff9b::/96`) or 6to4 (`2002:AABB:CCDD::/48`) IPv6 address: packets to these reach that
    /// IPv4 host, so the policy must judge it.
    var embeddedIPv4: (address: IPAddress, via: String)? {
        guard !isIPv4 else { return nil }
        let zeros = [UInt8](repeating: 0, count: 10)
        if Array(bytes[0..<10]) == zeros && bytes[10] == 0xff && bytes[11] == 0xff {
            return (IPAddress(ipv4: Array(bytes[12..<16])), "an IPv4-mapped IPv6 address")
        }
        if Array(bytes[0..<12]) == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return (IPAddress(ipv4: Array(bytes[12..<16])), "a NAT64 address (64:ff9b::/96)")
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 {
            return (IPAddress(ipv4: Array(bytes[2..<6])), "a 6to4 address (2002::/16)")
        }
        return nil
    }

    /// Canonical text (`inet_ntop`): what error messages and curl's resolve list use.
    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
