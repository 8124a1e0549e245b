/// An address block such as `10.0.0.0/8` or `fd00::/8`.
struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The block's first address (host bits cleared).
    let network: IPAddress
    let prefixLength: Int

    static let syntaxHelp = "a CIDR block (ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fd00::/8)"

    /// Host bits are cleared rather than refused (`10.1.2.3/8` is `10.0.0.0/8`), matching how
    /// the config step validates `allow_cidrs`.
    init(_ text: String) throws(EgressSyntaxError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
              !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(parts[1]),
              prefix <= address.bytes.count * 8
        else { throw EgressSyntaxError(text: text, expected: Self.syntaxHelp) }
        self.prefixLength = prefix
        self.network = IPAddress(masking: address, toPrefix: prefix)
    }

    /// Whether `address` lies in the block. Families never mix: an IPv4 block does not contain
    /// `::ffff:10.0.0.1`; the address policy unwraps embedded IPv4 addresses itself.
    func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && IPAddress(masking: address, toPrefix: prefixLength) == network
    }

    var description: String { "\(network)/\(prefixLength)" }
}

extension IPAddress {
    /// `address` with every bit after the first `prefix` bits cleared.
    fileprivate init(masking address: IPAddress, toPrefix prefix: Int) {
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsKept = min(max(prefix - index * 8, 0), 8)
            bytes[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        self.bytes = bytes
    }
}
