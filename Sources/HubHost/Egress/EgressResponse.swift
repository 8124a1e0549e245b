/// The final response after any redirects were followed.
struct EgressResponse: Sendable {
    var status: Int
    /// Header names lowercased (HTTP/2 sends them so anyway); values as received.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Every host a request was sent to, in order, redirect hops included: the audit event's
    /// `hostname`.
    var hostsContacted: [String]

    /// The first value of header `name` (compared lowercased).
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}
