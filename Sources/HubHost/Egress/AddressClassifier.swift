/// Names the non-public range an address falls in, or nil for an ordinary public address.
///
/// The tables block everything a provider has no business reaching: the host itself, the
/// private networks around it, cloud metadata (169.254.169.254), carrier NAT, multicast and
/// the special-purpose ranges of the IANA registries. Documentation and benchmarking ranges
/// are blocked too: no real upstream lives there, and an address from them is a red flag.
enum AddressClassifier {
    static func nonPublicRange(of address: IPAddress) -> String? {
        if let (inner, via) = address.embeddedIPv4 {
            guard let range = nonPublicRange(of: inner) else { return nil }
            return "\(via) for \(inner), \(range)"
        }
        let table = address.isIPv4 ? ipv4Ranges : ipv6Ranges
        return table.first { $0.block.contains(address) }?.name ?? nil
    }

    /// Entry by entry from the IANA IPv4 Special-Purpose Address Registry (plus multicast), most
    /// specific first: first match wins. A nil name is a block the registry marks globally
    /// reachable inside a larger blocked one (PCP and TURN anycast in 192.0.0.0/24): allowed.
    static let ipv4Table: [(block: String, name: String?)] = [
        ("255.255.255.255/32", "the broadcast address"),
        ("0.0.0.0/32", "the unspecified address"),
        ("0.0.0.0/8", "a 'this network' address (0.0.0.0/8)"),
        ("10.0.0.0/8", "a private address (RFC 1918)"),
        ("100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10, RFC 6598)"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        ("172.16.0.0/12", "a private address (RFC 1918)"),
        ("192.0.0.9/32", nil),  // Port Control Protocol anycast: globally reachable
        ("192.0.0.10/32", nil),  // TURN anycast: globally reachable
        ("192.0.0.0/24", "an IETF protocol assignment (192.0.0.0/24)"),
        ("192.0.2.0/24", "a documentation address (TEST-NET-1)"),
        ("192.88.99.0/24", "a 6to4 relay anycast address (192.88.99.0/24)"),
        ("192.168.0.0/16", "a private address (RFC 1918)"),
        ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
        ("198.51.100.0/24", "a documentation address (TEST-NET-2)"),
        ("203.0.113.0/24", "a documentation address (TEST-NET-3)"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
    ]

    /// Entry by entry from the IANA IPv6 Special-Purpose Address Registry (plus multicast and the
    /// deprecated site-local and IPv4-compatible forms), most specific first. Nil names are the
    /// registry's globally reachable sub-blocks of 2001::/23, which is otherwise not reachable.
    /// IPv6 forms that carry an IPv4 address (mapped, NAT64 64:ff9b::/96, 6to4) never reach
    /// this table: `embeddedIPv4` unwraps them first.
    static let ipv6Table: [(block: String, name: String?)] = [
        ("::/128", "the unspecified address"),
        ("::1/128", "a loopback address"),
        ("::/96", "an IPv4-compatible IPv6 address (deprecated, ::/96)"),
        ("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
        ("100::/64", "a discard-only address (100::/64)"),
        ("100:0:0:1::/64", "a dummy IPv6 prefix (100:0:0:1::/64)"),
        ("2001::/32", "a Teredo address (2001::/32)"),
        ("2001:1::1/128", nil),  // Port Control Protocol anycast
        ("2001:1::2/128", nil),  // TURN anycast
        ("2001:1::3/128", nil),  // DNS-SD Service Registration Protocol anycast
        ("2001:2::/48", "a benchmarking address (2001:2::/48)"),
        ("2001:3::/32", nil),  // AMT
        ("2001:4:112::/48", nil),  // AS112-v6
        ("2001:10::/28", "a deprecated ORCHID address (2001:10::/28)"),
        ("2001:20::/28", nil),  // ORCHIDv2
        ("2001:30::/28", nil),  // Drone Remote ID entity tags
        ("2001::/23", "an IETF protocol assignment (2001::/23)"),
        ("2001:db8::/32", "a documentation address (2001:db8::/32)"),
        ("3fff::/20", "a documentation address (3fff::/20)"),
        ("5f00::/16", "a Segment Routing (SRv6) SID (5f00::/16)"),
        ("fc00::/7", "a unique local address (IPv6 ULA, fc00::/7)"),
        ("fe80::/10", "a link-local address (fe80::/10)"),
        ("fec0::/10", "a site-local address (deprecated, fec0::/10)"),
        ("ff00::/8", "a multicast address"),
    ]

    private static let ipv4Ranges = ranges(ipv4Table)
    private static let ipv6Ranges = ranges(ipv6Table)

    private static func ranges(_ entries: [(block: String, name: String?)]) -> [(block: CIDR, name: String?)] {
        entries.map { entry in
            do { return (try CIDR(entry.block), entry.name) } catch { preconditionFailure("bad built-in range: \(error)") }
        }
    }
}
