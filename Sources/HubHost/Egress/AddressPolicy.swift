/// The SSRF rule: a provider may reach public addresses, and private ones only inside a block
/// the admin listed in `allow_cidrs`.
struct AddressPolicy: Sendable {
    var allowCIDRs: [CIDR]

    /// Why `address` is refused, as a phrase to follow "resolves to 10.0.0.5, "; nil if permitted.
    func refusal(for address: IPAddress) -> String? {
        guard let range = AddressClassifier.nonPublicRange(of: address) else { return nil }
        // An allowed block opens the address however it is written: 10/8 also opens
        // ::ffff:10.0.0.5, which reaches the same host.
        let forms = [address] + (address.embeddedIPv4.map { [$0.address] } ?? [])
        if forms.contains(where: { form in allowCIDRs.contains { $0.contains(form) } }) { return nil }
        return range
    }
}
