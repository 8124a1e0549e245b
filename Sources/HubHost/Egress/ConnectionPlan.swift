/// Where one hop's connection goes, decided before curl runs: the addresses egress resolved and
/// checked itself, pinned into curl so a second DNS answer (rebinding) can never be used.
struct ConnectionPlan: Sendable {
    /// A `CURLOPT_RESOLVE` entry, `HOST:PORT:ADDR[,ADDR…]`; nil when the target is a literal.
    var resolveEntry: String?
    /// A `CURLOPT_CONNECT_TO` entry when an admin override applies to this host and port.
    var connectToEntry: String?
    /// The only socket addresses the open-socket callback lets curl connect to.
    var permittedAddresses: Set<IPAddress>
    var permittedPort: Int
}

/// Builds the plan for a checked URL: applies `connect_to`, resolves, and runs the address
/// policy over every address (the connect_to target excepted: an admin chose it).
struct ConnectionPlanner: Sendable {
    let connectTo: [ConnectTo]
    let addressPolicy: AddressPolicy

    func plan(for target: CheckedURL) throws(EgressError) -> ConnectionPlan {
        let override = connectTo.first { Self.bare($0.host.lowercased()) == Self.bare(target.host) && $0.port == target.port }
        let connectHost = override.map { Self.bare($0.connectHost) } ?? Self.bare(target.host)
        let connectPort = override?.connectPort ?? target.port

        let addresses = try HostResolver.addresses(of: connectHost)
        if override == nil {
            for address in addresses {
                guard let reason = addressPolicy.refusal(for: address) else { continue }
                let subject = IPAddress.literal(target.host) != nil ? "host \(address) is" : "\(target.host) resolves to \(address),"
                throw .refused("\(subject) \(reason)")
            }
        }
        let isLiteral = IPAddress(connectHost) != nil
        let pinned = addresses.map { $0.isIPv4 ? "\($0)" : "[\($0)]" }.joined(separator: ",")
        return ConnectionPlan(
            resolveEntry: isLiteral ? nil : "\(connectHost):\(connectPort):\(pinned)",
            connectToEntry: override.map { "\(target.host):\(target.port):\(Self.bracketed($0.connectHost)):\($0.connectPort)" },
            permittedAddresses: Set(addresses),
            permittedPort: connectPort
        )
    }

    private static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    private static func bracketed(_ host: String) -> String {
        let host = bare(host)
        return host.contains(":") ? "[\(host)]" : host
    }
}
