#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a name the way the connection will be made, so the address policy judges every
/// address curl could use. Egress then pins curl to exactly these addresses.
enum HostResolver {
    /// Every distinct address for `host` (an IPv6 literal without brackets is fine). Fails
    /// closed: no answer means no request, never "let curl try its own resolver".
    static func addresses(of host: String) throws(EgressError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &list)
        guard code == 0 else {
            throw .transport("cannot resolve '\(host)' (\(String(cString: gai_strerror(code)))): request not sent")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let pointer = current.pointee.ai_addr, let (address, _) = IPAddress.from(sockaddr: UnsafeRawPointer(pointer)),
               !addresses.contains(address) {
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw .transport("'\(host)' resolves to no IPv4 or IPv6 address: request not sent") }
        return addresses
    }
}
