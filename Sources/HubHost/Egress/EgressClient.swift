import CCurl

/// One provider's way out: every HTTP request a provider makes goes through `send`, which
/// checks it against the provider's policy, pins the connection to addresses it checked itself,
/// and follows redirects one checked hop at a time.
final class EgressClient: Sendable {
    let policy: EgressPolicy
    private let gate: URLGate
    private let planner: ConnectionPlanner
    private let handles = CurlHandlePool(capacity: 8)

    init(policy: EgressPolicy) {
        CurlGlobal.ensureInitialised()
        self.policy = policy
        self.gate = URLGate(allowedHosts: policy.allowedHosts)
        self.planner = ConnectionPlanner(connectTo: policy.connectTo, addressPolicy: AddressPolicy(allowCIDRs: policy.allowCIDRs))
    }

    /// Blocking: runs on the host's invocation thread pool, never on Swift's cooperative pool.
    func send(
        _ request: EgressRequest, deadline: ContinuousClock.Instant, isCancelled: @Sendable () -> Bool
    ) throws(EgressError) -> EgressResponse {
        var hostsContacted: [String] = []
        return try send(request, deadline: deadline, isCancelled: isCancelled, hostsContacted: &hostsContacted)
    }

    /// As `send`, and `hostsContacted` also holds the hosts reached when the call fails — a
    /// redirect refused after the first hop still reached that first host, and the audit event
    /// must say so.
    func send(
        _ request: EgressRequest, deadline: ContinuousClock.Instant, isCancelled: @Sendable () -> Bool,
        hostsContacted: inout [String]
    ) throws(EgressError) -> EgressResponse {
        try withoutActuallyEscaping(isCancelled) { isCancelled throws(EgressError) in
            try run(request, deadline: deadline, isCancelled: isCancelled, hostsContacted: &hostsContacted)
        }
    }

    private func run(
        _ request: EgressRequest, deadline: ContinuousClock.Instant, isCancelled: @escaping @Sendable () -> Bool,
        hostsContacted: inout [String]
    ) throws(EgressError) -> EgressResponse {
        var outgoing = try OutgoingRequest(validating: request)
        var url = try CurlURL(parsing: request.url)
        var redirectsFollowed = 0
        let easy = handles.checkout()
        defer { handles.checkin(easy) }

        while true {
            let isRedirect = redirectsFollowed > 0
            let (target, plan) = try Self.labelled(isRedirect ? "redirect to \(url.redacted)" : nil) { () throws(EgressError) in
                let target = try gate.check(url)
                return (target, try planner.plan(for: target))
            }
            guard !isCancelled() else { throw .transport("the call was cancelled before \(target.host) was contacted") }
            guard ContinuousClock.now < deadline else { throw .timeout }

            hostsContacted.append(target.host)
            let hop = HopTransfer(easy: easy, target: target, plan: plan, request: outgoing, policy: policy)
            let response = try hop.run(deadline: deadline, isCancelled: isCancelled)

            guard let location = RedirectRule.location(status: response.status, headers: response.headers) else {
                return EgressResponse(status: response.status, headers: response.headers, body: response.body, hostsContacted: hostsContacted)
            }
            let next = try Self.labelled("redirect from \(target.host)") { () throws(EgressError) in try url.resolving(location) }
            guard redirectsFollowed < policy.maxRedirects else {
                throw .refused("more than \(policy.maxRedirects) redirects (max_redirects): \(next.redacted) was not requested")
            }
            redirectsFollowed += 1
            let sameOrigin = next.part(CURLUPART_HOST)?.lowercased() == target.host
                && (next.part(CURLUPART_PORT, flags: CURLU_DEFAULT_PORT)).flatMap(Int.init) == target.port
            outgoing = RedirectRule.request(after: response.status, previous: outgoing, sameOrigin: sameOrigin)
            url = next
        }
    }

    /// Prefixes a refusal with the hop it concerns, so "host 'evil.example' is not in the
    /// provider's allowed_hosts" reads as a redirect's fault, not the provider's URL.
    private static func labelled<T>(_ label: String?, _ body: () throws(EgressError) -> T) throws(EgressError) -> T {
        do {
            return try body()
        } catch {
            guard let label, case .refused(let reason) = error else { throw error }
            throw .refused("\(label): \(reason)")
        }
    }
}
