/// Everything that decides where one provider's requests may go and how much they may bring
/// back. Built by the config loader from the provider's `allowed_hosts` and the `hub.egress` block.
struct EgressPolicy: Sendable {
    /// The provider's `allowed_hosts`. Empty means the provider may not call out at all.
    var allowedHosts: [HostPattern]
    /// Address blocks an admin opened on purpose (an on-premises Netdata in 10.0.0.0/8, say);
    /// every other non-public address is refused.
    var allowCIDRs: [CIDR]
    /// `HOST:PORT:CONNECT_HOST:CONNECT_PORT` overrides. The connect target is an explicit admin
    /// decision, so it is exempt from the address policy; the URL's host is still checked
    /// against the allowlist and TLS still verifies it.
    var connectTo: [ConnectTo]
    /// A PEM file of extra CAs to trust besides the system bundle (tests use a private CA).
    var caFile: String?
    var maxResponseBytes: Int
    var maxRedirects: Int

    init(
        allowedHosts: [HostPattern], allowCIDRs: [CIDR] = [], connectTo: [ConnectTo] = [], caFile: String? = nil,
        maxResponseBytes: Int = 8 * 1024 * 1024, maxRedirects: Int = 3
    ) {
        self.allowedHosts = allowedHosts
        self.allowCIDRs = allowCIDRs
        self.connectTo = connectTo
        self.caFile = caFile
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
    }
}
