/// `hub.egress`: how provider HTTP requests leave the host.
struct EgressSettings: Sendable, Equatable {
    /// `ca_file`: a PEM bundle to trust instead of the system's (tests use a private CA).
    var caFile: String?
    /// `connect_to`: connection overrides in curl's `HOST:PORT:CONNECT_HOST:CONNECT_PORT` form.
    var connectTo: [ConnectTo]
    /// `allow_cidrs`: private address blocks the SSRF policy lets through anyway, e.g. an
    /// on-premises Netdata in `10.0.0.0/8`.
    var allowCIDRs: [String]
    /// `max_response_bytes`: responses larger than this are cut off; 1...1073741824, default 8 MiB.
    var maxResponseBytes: Int
    /// `max_redirects`: 0...10, default 3; each hop is checked against the allowlist again.
    var maxRedirects: Int

    static let `default` = EgressSettings(caFile: nil, connectTo: [], allowCIDRs: [], maxResponseBytes: 8_388_608, maxRedirects: 3)
    static let keys = ["ca_file", "connect_to", "allow_cidrs", "max_response_bytes", "max_redirects"]

    init(caFile: String?, connectTo: [ConnectTo], allowCIDRs: [String], maxResponseBytes: Int, maxRedirects: Int) {
        self.caFile = caFile
        self.connectTo = connectTo
        self.allowCIDRs = allowCIDRs
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
    }

    init(from node: ConfigNode) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        caFile = try mapping.optional("ca_file")?.path()
        connectTo = try mapping.optional("connect_to")?.list().map { (node) throws(ConfigError) in
            try node.parsed(as: ConnectTo.syntaxHelp, ConnectTo.init(parsing:))
        } ?? []
        allowCIDRs = try mapping.optional("allow_cidrs")?.list().map { (node) throws(ConfigError) in
            try node.parsed(as: CIDRSyntax.syntaxHelp) { CIDRSyntax.isValid($0) ? $0 : nil }
        } ?? []
        maxResponseBytes = try mapping.optional("max_response_bytes")?.int(in: 1...1_073_741_824) ?? Self.default.maxResponseBytes
        maxRedirects = try mapping.optional("max_redirects")?.int(in: 0...10) ?? Self.default.maxRedirects
    }
}
