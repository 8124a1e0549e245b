/// What a redirect does to the request, as browsers and curl do it: 303 (and 301/302 after a
/// POST) become a GET without body; 307/308 repeat the request as it was. Credentials never
/// follow a redirect to another host or port, even an allowed one: the provider addressed its
/// token to the first host, not to wherever that host points.
enum RedirectRule {
    static let statuses: Set<Int> = [301, 302, 303, 307, 308]
    static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// The Location a response redirects to, or nil when the response is final.
    static func location(status: Int, headers: [(name: String, value: String)]) -> String? {
        guard statuses.contains(status) else { return nil }
        return headers.first { $0.name == "location" }?.value
    }

    static func request(after status: Int, previous: OutgoingRequest, sameOrigin: Bool) -> OutgoingRequest {
        var next = previous
        let becomesGet = status == 303 ? previous.method != "HEAD" : (status == 301 || status == 302) && previous.method == "POST"
        if becomesGet {
            next.method = "GET"
            next.body = []
            next.headers.removeAll { $0.name.lowercased() == "content-type" }
        }
        if !sameOrigin {
            next.headers.removeAll { credentialHeaders.contains($0.name.lowercased()) }
        }
        return next
    }
}
