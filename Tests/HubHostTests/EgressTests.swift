import Foundation
import Synchronization
import Testing

@testable import HubHost

// Egress against a real TLS server on loopback: the python fake, reached through the real
// upstream names with `connect_to`, its certificate issued by a CA made for this test run.
// Nothing is mocked but the vendor.

// MARK: - Fixtures

/// Hosts the attack policy allows, and names it routes to the fake so that any request the
/// policy wrongly let through would show up in the fake's counters.
private let attackAllowedHosts = ["api.socket.dev", "sentry.io", "*.ingest.sentry.io", "localhost"]
private let routedToFake = [
    "api.socket.dev", "sentry.io", "socket.dev", "o123.ingest.sentry.io", "app.netdata.cloud", "evil.example",
    "evil.com", "ingest.sentry.io", "ingest.sentry.io.evil.com", "127.0.0.1", "0.0.0.0", "169.254.169.254",
]

private func policy(
    for fake: TLSFake, allowed: [String] = attackAllowedHosts, extraConnectTo: [ConnectTo] = [],
    trustTestCA: Bool = true, allowCIDRs: [String] = [], maxResponseBytes: Int = 1_000_000, maxRedirects: Int = 3
) throws -> EgressPolicy {
    let certificates = try TestCertificates.shared()
    return EgressPolicy(
        allowedHosts: try allowed.map { try HostPattern($0) },
        allowCIDRs: try allowCIDRs.map { try CIDR($0) },
        connectTo: routedToFake.map { ConnectTo(host: $0, port: 443, connectHost: "127.0.0.1", connectPort: fake.port) }
            + extraConnectTo,
        caFile: trustTestCA ? certificates.caFile : nil,
        maxResponseBytes: maxResponseBytes,
        maxRedirects: maxRedirects
    )
}

private func send(
    _ client: EgressClient, _ url: String, method: String = "GET", headers: [(name: String, value: String)] = [],
    body: [UInt8] = [], timeout: Duration = .seconds(10), isCancelled: @Sendable () -> Bool = { false }
) -> Result<EgressResponse, EgressError> {
    let request = EgressRequest(method: method, url: url, headers: headers, body: body)
    do throws(EgressError) {
        return .success(try client.send(request, deadline: .now + timeout, isCancelled: isCancelled))
    } catch {
        return .failure(error)
    }
}

private func refusal(_ result: Result<EgressResponse, EgressError>) -> String? {
    guard case .failure(.refused(let message)) = result else { return nil }
    return message
}

private func json(_ body: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
}

// MARK: - Attack table: refused before anything reaches the fake

struct Attack: Sendable, CustomTestStringConvertible {
    var url: String
    var expected: String
    var testDescription: String { url }
}

@Suite("Egress refuses")
struct EgressAttackTests {
    static let attacks: [Attack] = [
        Attack(url: "http://api.socket.dev/ok", expected: "scheme 'http' is refused: HTTPS only"),
        Attack(url: "file:///etc/passwd", expected: "scheme 'file' is refused: HTTPS only"),
        Attack(url: "gopher://api.socket.dev:443/_GET%20/ok", expected: "scheme 'gopher' is refused: HTTPS only"),
        Attack(url: "dict://api.socket.dev:443/info", expected: "scheme 'dict' is refused: HTTPS only"),
        Attack(url: "https://api.socket.dev@evil.example/", expected: "https://api.socket.dev@evil.example/: user-info in URL is refused"),
        Attack(url: "https://evil.example/ok", expected: "host 'evil.example' is not in the provider's allowed_hosts"),
        Attack(url: "https://ingest.sentry.io.evil.com/ok", expected: "host 'ingest.sentry.io.evil.com' is not in the provider's allowed_hosts"),
        Attack(url: "https://evil.com/?.ingest.sentry.io", expected: "host 'evil.com' is not in the provider's allowed_hosts"),
        Attack(url: "https://ingest.sentry.io/ok", expected: "host 'ingest.sentry.io' is not in the provider's allowed_hosts"),
        Attack(url: "https://127.0.0.1/", expected: "IP-literal host 127.0.0.1 is refused"),
        Attack(url: "https://[::1]/", expected: "IP-literal host ::1 is refused"),
        Attack(url: "https://0.0.0.0/", expected: "IP-literal host 0.0.0.0 is refused"),
        Attack(url: "https://169.254.169.254/latest/meta-data/", expected: "IP-literal host 169.254.169.254 is refused"),
        Attack(url: "https://[::ffff:127.0.0.1]/", expected: "IP-literal host ::ffff:127.0.0.1 is refused"),
        Attack(url: "https://2130706433/", expected: "IP-literal host 127.0.0.1 is refused"),
        Attack(url: "https://0177.0.0.1/", expected: "IP-literal host 127.0.0.1 is refused"),
        Attack(url: "https://0x7f.1/", expected: "IP-literal host 127.0.0.1 is refused"),
        Attack(url: "https://localhost/ok", expected: "localhost resolves to 127.0.0.1, a loopback address"),
        Attack(url: "https://api.socket.dev:8443/ok", expected: "port 8443 on 'api.socket.dev' is refused"),
        Attack(url: "https://API.Socket.Dev.evil.example/ok", expected: "host 'api.socket.dev.evil.example' is not in the provider's allowed_hosts"),
        // Fault 13: a gate refuses what it would have to decode, and never echoes a CR/LF.
        Attack(url: "https://api%2Esocket%2Edev/ok", expected: "its host part contains '%' (hosts must be written plainly, not encoded)"),
        Attack(url: "https://api.socket.dev%00.evil.example/ok", expected: "its host part contains '%'"),
        Attack(url: "https://api.socket.dev/ok\r\nX-Injected: yes", expected: "contains a control character or space (U+000D)"),
        Attack(url: "https://api.socket.dev\\@evil.example/ok", expected: "its host part contains '\\'"),
        Attack(url: "https://аpi.socket.dev/ok", expected: "a non-ASCII character (write the host in punycode)"),
    ]

    @Test("refused with a precise reason; the fake sees no connection", arguments: attacks)
    func refused(_ attack: Attack) throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(
            for: fake, extraConnectTo: [ConnectTo(host: "api.socket.dev", port: 8443, connectHost: "127.0.0.1", connectPort: fake.port)]))
        let message = try #require(refusal(send(client, attack.url)), "\(attack.url) was not refused")
        #expect(message.contains(attack.expected), "\(message)")
        #expect(!message.contains("\r") && !message.contains("\n"), "a refusal quotes nothing that breaks a line")
        let stats = try fake.stats()
        #expect(stats.requests == 0)
        #expect(stats.connections == 0)
    }

    @Test func passwordInUserInfoIsNotQuoted() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let message = try #require(refusal(send(client, "https://user:hunter2@api.socket.dev/ok?token=abc")))
        #expect(message == "https://user:***@api.socket.dev/ok: user-info in URL is refused")
        #expect(!message.contains("hunter2") && !message.contains("abc"))
        #expect(try fake.requestCount == 0)
    }

    @Test func listedLiteralIsStillSubjectToTheAddressPolicy() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, allowed: ["10.0.0.5", "[fd00::5]"]))
        #expect(refusal(send(client, "https://10.0.0.5/")) == "host 10.0.0.5 is a private address (RFC 1918)")
        #expect(refusal(send(client, "https://[fd00::5]/")) == "host fd00::5 is a unique local address (IPv6 ULA, fc00::/7)")
        #expect(try fake.requestCount == 0)
    }

    @Test func headerInjectionIsRefusedWithoutQuotingTheValue() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let injected = refusal(send(client, "https://api.socket.dev/ok", headers: [("Authorization", "Bearer s3cret\r\nX-Evil: 1")]))
        #expect(injected == "header 'Authorization' has a CR, LF or NUL in its value")
        #expect(refusal(send(client, "https://api.socket.dev/ok", headers: [("Host", "evil.example")]))
            == "header 'Host' is set by the host and may not be supplied")
        #expect(refusal(send(client, "https://api.socket.dev/ok", method: "GET /x HTTP/1.1\r\n")) != nil)
        #expect(try fake.requestCount == 0)
    }

    @Test func unresolvableNameFailsClosed() throws {
        let client = EgressClient(policy: EgressPolicy(allowedHosts: [try HostPattern("no-such-host.invalid")]))
        guard case .failure(.transport(let message)) = send(client, "https://no-such-host.invalid/") else {
            Issue.record("expected a transport failure")
            return
        }
        #expect(message.hasPrefix("cannot resolve 'no-such-host.invalid'"))
    }
}

// MARK: - Redirects: every hop checked again

@Suite("Egress redirects")
struct EgressRedirectTests {
    @Test func redirectToAHostNotAllowedIsRefusedAfterTheFirstHop() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let result = send(client, "https://api.socket.dev/redirect?to=https://evil.example/ok",
                          headers: [("Authorization", "Bearer s3cret")])
        let message = try #require(refusal(result))
        #expect(message == "redirect to https://evil.example/ok: host 'evil.example' is not in the provider's allowed_hosts")
        #expect(!message.contains("s3cret"))
        var contacted: [String] = []
        _ = try? client.send(EgressRequest(url: "https://api.socket.dev/redirect?to=https://evil.example/ok"),
                             deadline: .now + .seconds(5), isCancelled: { false }, hostsContacted: &contacted)
        #expect(contacted == ["api.socket.dev"], "the audit still learns which host was reached")
        let stats = try fake.stats()
        #expect(stats.requests == 2, "only the first hop of each call may reach the fake")
        #expect(stats.log.map(\.path) == Array(repeating: "/redirect?to=https://evil.example/ok", count: 2))
    }

    @Test func redirectToPlainHTTPOrAnAddressIsRefused() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        #expect(refusal(send(client, "https://api.socket.dev/redirect?to=http://sentry.io/ok"))
            == "redirect to http://sentry.io/ok: scheme 'http' is refused: HTTPS only")
        #expect(refusal(send(client, "https://api.socket.dev/redirect?to=https://169.254.169.254/"))?
            .contains("IP-literal host 169.254.169.254 is refused") == true)
        #expect(try fake.requestCount == 2)
    }

    @Test func chainLongerThanTheMaximumIsRefused() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, maxRedirects: 3))
        let message = try #require(refusal(send(client, "https://api.socket.dev/redirect-chain?n=5")))
        #expect(message == "more than 3 redirects (max_redirects): https://api.socket.dev/redirect-chain was not requested")
        #expect(try fake.requestCount == 4, "the first request and three redirects; the fourth redirect is not followed")
    }

    @Test func chainOfExactlyTheMaximumIsFollowed() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, maxRedirects: 3))
        let response = try send(client, "https://api.socket.dev/redirect-chain?n=3").get()
        #expect(response.status == 200)
        #expect(response.hostsContacted == Array(repeating: "api.socket.dev", count: 4))
    }

    @Test func redirectWithinAllowedHostsIsFollowedAndCredentialsStayBehind() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let response = try send(client, "https://api.socket.dev/redirect?to=https://sentry.io/echo",
                                headers: [("Authorization", "Bearer s3cret"), ("X-Trace", "1")]).get()
        #expect(response.status == 200)
        #expect(response.hostsContacted == ["api.socket.dev", "sentry.io"])
        let echoed = json(response.body)["headers"] as? [String: String] ?? [:]
        #expect(echoed["host"] == "sentry.io")
        #expect(echoed["authorization"] == nil, "a token addressed to api.socket.dev must not follow to sentry.io")
        #expect(echoed["x-trace"] == "1")
        #expect(try fake.stats().log.map(\.host) == ["api.socket.dev", "sentry.io"])
    }

    @Test func relativeRedirectOnTheSameHostKeepsCredentials() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let response = try send(client, "https://api.socket.dev/redirect?to=/echo&status=307", method: "POST",
                                headers: [("Authorization", "Bearer s3cret")], body: Array("{}".utf8)).get()
        let echoed = json(response.body)
        #expect(echoed["method"] as? String == "POST")
        #expect(echoed["body"] as? String == "{}")
        #expect((echoed["headers"] as? [String: String])?["authorization"] == "Bearer s3cret")
    }

    @Test func seeOtherTurnsAPostIntoAGet() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let response = try send(client, "https://api.socket.dev/redirect?to=/echo&status=303", method: "POST", body: Array("{}".utf8)).get()
        #expect(json(response.body)["method"] as? String == "GET")
        #expect(json(response.body)["body"] as? String == "")
    }
}

// MARK: - The allowed path

@Suite("Egress sends")
struct EgressSendTests {
    @Test func allowedHostThroughConnectToAnswers() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let response = try send(client, "https://api.socket.dev/ok").get()
        #expect(response.status == 200)
        #expect(json(response.body)["ok"] as? Bool == true)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(response.hostsContacted == ["api.socket.dev"])
        #expect(try fake.stats().log.first?.host == "api.socket.dev")
    }

    @Test func wildcardHostAnswers() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let response = try send(client, "https://O123.Ingest.Sentry.io/ok").get()
        #expect(response.status == 200)
        #expect(response.hostsContacted == ["o123.ingest.sentry.io"])
    }

    @Test func postCarriesMethodHeadersAndBody() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let body = Array(#"{"query":"lodash"}"#.utf8)
        let response = try send(client, "https://api.socket.dev/echo?x=1", method: "POST",
                                headers: [("Content-Type", "application/json"), ("X-Empty", "")], body: body).get()
        let echoed = json(response.body)
        #expect(echoed["method"] as? String == "POST")
        #expect(echoed["path"] as? String == "/echo")
        #expect(echoed["body"] as? String == #"{"query":"lodash"}"#)
        let headers = echoed["headers"] as? [String: String] ?? [:]
        #expect(headers["content-type"] == "application/json")
        #expect(headers["x-empty"] == "")
        #expect(headers["expect"] == nil)
    }

    @Test func connectionsAreReused() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let clock = ContinuousClock()
        let first = try clock.measure { _ = try send(client, "https://api.socket.dev/ok").get() }
        let rounds = 20
        let elapsed = try clock.measure {
            for _ in 0..<rounds { _ = try send(client, "https://api.socket.dev/ok").get() }
        }
        let stats = try fake.stats()
        #expect(stats.requests == rounds + 1)
        #expect(stats.connections == 1, "every request after the first should ride the first connection")
        print("egress: first request (TCP + TLS handshake) \(first); then \(rounds) on the reused connection: \(elapsed / rounds) each")
    }

    @Test func nonDefaultPortNamedInAllowedHostsIsAllowed() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(
            for: fake, allowed: ["api.socket.dev:8443"],
            extraConnectTo: [ConnectTo(host: "api.socket.dev", port: 8443, connectHost: "127.0.0.1", connectPort: fake.port)]))
        #expect(try send(client, "https://api.socket.dev:8443/ok").get().status == 200)
        #expect(refusal(send(client, "https://api.socket.dev/ok"))?.contains("port 443 on 'api.socket.dev' is refused") == true)
    }

    @Test func allowCIDRsOpensAPrivateRangeOnPurpose() throws {
        // No connect_to: egress resolves localhost itself, checks, pins and connects.
        let fake = try TLSFake()
        let allowed = ["localhost:\(fake.port)"]
        let closed = EgressClient(policy: try policy(for: fake, allowed: allowed))
        #expect(refusal(send(closed, "https://localhost:\(fake.port)/ok")) == "localhost resolves to 127.0.0.1, a loopback address")
        #expect(try fake.requestCount == 0)

        let opened = EgressClient(policy: try policy(for: fake, allowed: allowed, allowCIDRs: ["127.0.0.0/8", "::1/128"]))
        let response = try send(opened, "https://localhost:\(fake.port)/ok").get()
        #expect(response.status == 200)
        #expect(response.hostsContacted == ["localhost"])
    }
}

// MARK: - TLS

@Suite("Egress TLS")
struct EgressTLSTests {
    @Test func certificateForAnotherNameIsRefused() throws {
        let certificates = try TestCertificates.shared()
        let fake = try TLSFake(identity: certificates.wrongName)
        let client = EgressClient(policy: try policy(for: fake))
        guard case .failure(.transport(let message)) = send(client, "https://api.socket.dev/ok") else {
            Issue.record("a certificate for wrong.example must not be accepted for api.socket.dev")
            return
        }
        #expect(message.contains("api.socket.dev"), "\(message)")
        #expect(message.contains("SSL") || message.contains("certificate"), "\(message)")
        #expect(try fake.requestCount == 0)
    }

    @Test func withoutTheTestCAThePeerIsNotTrusted() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, trustTestCA: false))
        guard case .failure(.transport(let message)) = send(client, "https://api.socket.dev/ok") else {
            Issue.record("a certificate from an unknown CA must not be accepted")
            return
        }
        #expect(message.contains("certificate"), "\(message)")
        #expect(try fake.requestCount == 0)
    }
}

// MARK: - Deadline, cancellation, size cap

@Suite("Egress limits")
struct EgressLimitTests {
    @Test func slowUpstreamIsCutAtTheDeadline() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        _ = try send(client, "https://api.socket.dev/ok").get()  // connection set up outside the measurement
        let clock = ContinuousClock()
        let start = clock.now
        let result = send(client, "https://api.socket.dev/slow?ms=5000", timeout: .milliseconds(500))
        let elapsed = clock.now - start
        guard case .failure(.timeout) = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(elapsed >= .milliseconds(490) && elapsed < .milliseconds(800), "cut after \(elapsed)")
        print("egress: 500 ms deadline against a 5 s upstream returned after \(elapsed)")
    }

    @Test func expiredDeadlineSendsNothing() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        guard case .failure(.timeout) = send(client, "https://api.socket.dev/ok", timeout: .zero) else {
            Issue.record("expected a timeout")
            return
        }
        #expect(try fake.stats().connections == 0)
    }

    @Test func cancellationStopsTheTransfer() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let clock = ContinuousClock()
        let start = clock.now
        let cancelAt = start + .milliseconds(300)
        let result = send(client, "https://api.socket.dev/slow?ms=5000", isCancelled: { clock.now >= cancelAt })
        let elapsed = clock.now - start
        guard case .failure(.transport(let message)) = result else {
            Issue.record("expected a cancellation, got \(result)")
            return
        }
        #expect(message.contains("cancelled"))
        #expect(elapsed < .milliseconds(1_500), "cancelled after \(elapsed)")
        print("egress: cancellation requested at 300 ms took effect after \(elapsed)")
    }

    @Test(arguments: ["1", "0"])
    func oversizedBodyIsCutAtTheCap(announcingLength: String) throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, maxResponseBytes: 1_000_000))
        let result = send(client, "https://api.socket.dev/big?bytes=5000000&length=\(announcingLength)")
        guard case .failure(.responseTooLarge(let limit)) = result else {
            Issue.record("expected responseTooLarge, got \(result)")
            return
        }
        #expect(limit == 1_000_000)
    }

    @Test func bodyOfExactlyTheCapIsDelivered() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake, maxResponseBytes: 1_000_000))
        for length in ["1", "0"] {
            let response = try send(client, "https://api.socket.dev/big?bytes=1000000&length=\(length)").get()
            #expect(response.body.count == 1_000_000)
        }
    }
}

// MARK: - Units: patterns, blocks, addresses

@Suite("HostPattern")
struct HostPatternTests {
    @Test func wildcardCoversExactlyOneLabel() throws {
        let pattern = try HostPattern("*.ingest.sentry.io")
        #expect(pattern.matches("o123.ingest.sentry.io"))
        #expect(!pattern.matches("ingest.sentry.io"), "*.x does not match x itself")
        #expect(!pattern.matches("a.b.ingest.sentry.io"))
        #expect(!pattern.matches("ingest.sentry.io.evil.com"))
        #expect(!pattern.matches("evilingest.sentry.io"))
        #expect(!pattern.matches(".ingest.sentry.io"))
        #expect(!pattern.matches("evil.com/?.ingest.sentry.io"))
        #expect(pattern.allows(port: 443) && !pattern.allows(port: 8443))
    }

    @Test func exactNameMatchesOnlyItself() throws {
        let pattern = try HostPattern("api.socket.dev")
        #expect(pattern.matches("api.socket.dev"))
        #expect(!pattern.matches("api.socket.dev."))
        #expect(!pattern.matches("x.api.socket.dev"))
        #expect(!pattern.matches("api.socket.dev.evil.com"))
    }

    @Test func portsAndLiterals() throws {
        let withPort = try HostPattern("netdata.lan:19999")
        #expect(withPort.matches("netdata.lan") && withPort.allows(port: 19999) && !withPort.allows(port: 443))
        #expect(try HostPattern("10.0.0.5").matches("10.0.0.5"))
        #expect(try HostPattern("[fd00::5]:8443").matches("[fd00:0::5]"))
    }

    @Test(arguments: ["", "*", "*.io", "*.*.example.com", "a.*.example.com", "API.socket.dev", "api..socket.dev",
                      "-a.example.com", "exa mple.com", "example.com:0", "example.com:99999", "example.com:",
                      "[::1", "[10.0.0.1]", "1.2.3", "*.0.0.1", "host/path", "user@host.com"])
    func invalidPatternsAreRejected(_ text: String) {
        #expect(!HostPattern.isValid(text), "\(text)")
    }
}

@Suite("CIDR")
struct CIDRTests {
    @Test func containment() throws {
        let ten = try CIDR("10.0.0.0/8")
        #expect(ten.contains(IPAddress("10.255.1.2")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(!ten.contains(IPAddress("::ffff:10.0.0.1")!), "families never mix")
        let cgnat = try CIDR("100.64.0.0/10")
        #expect(cgnat.contains(IPAddress("100.127.255.255")!) && !cgnat.contains(IPAddress("100.128.0.0")!))
        let ula = try CIDR("fc00::/7")
        #expect(ula.contains(IPAddress("fd12:3456::1")!) && !ula.contains(IPAddress("fe00::1")!))
        #expect(try CIDR("0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
        #expect(try CIDR("10.1.2.3/8").description == "10.0.0.0/8")
        #expect(try CIDR("::1/128").contains(IPAddress("::1")!))
    }

    @Test(arguments: ["10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10/8", "010.0.0.0/8", "x/8", "10.0.0.0/8/8"])
    func invalidBlocksAreRejected(_ text: String) {
        #expect(throws: EgressSyntaxError.self) { try CIDR(text) }
    }
}

@Suite("Address classifier")
struct AddressClassifierTests {
    static let cases: [(String, String?)] = [
        ("8.8.8.8", nil), ("1.1.1.1", nil), ("151.101.1.1", nil),
        ("127.0.0.1", "a loopback address"), ("127.255.0.9", "a loopback address"),
        ("10.0.0.5", "a private address (RFC 1918)"), ("172.16.0.1", "a private address (RFC 1918)"),
        ("172.31.255.255", "a private address (RFC 1918)"), ("172.32.0.1", nil),
        ("192.168.1.1", "a private address (RFC 1918)"),
        ("169.254.169.254", "a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        ("100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10, RFC 6598)"),
        ("224.0.0.1", "a multicast address"), ("0.0.0.0", "the unspecified address"),
        ("0.1.2.3", "a 'this network' address (0.0.0.0/8)"), ("255.255.255.255", "the broadcast address"),
        ("192.0.2.1", "a documentation address (TEST-NET-1)"), ("198.18.0.1", "a benchmarking address (198.18.0.0/15)"),
        ("2606:4700::1111", nil), ("::1", "a loopback address"), ("::", "the unspecified address"),
        ("fd00::1", "a unique local address (IPv6 ULA, fc00::/7)"), ("fe80::1", "a link-local address (fe80::/10)"),
        ("ff02::1", "a multicast address"), ("2001:db8::1", "a documentation address (2001:db8::/32)"),
        ("::ffff:127.0.0.1", "an IPv4-mapped IPv6 address for 127.0.0.1, a loopback address"),
        ("::ffff:169.254.169.254", "an IPv4-mapped IPv6 address for 169.254.169.254, a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        ("::ffff:8.8.8.8", nil),
        ("::127.0.0.1", "an IPv4-compatible IPv6 address (deprecated, ::/96)"),
        ("64:ff9b::10.0.0.1", "a NAT64 address (64:ff9b::/96) for 10.0.0.1, a private address (RFC 1918)"),
        ("64:ff9b::a9fe:a9fe", "a NAT64 address (64:ff9b::/96) for 169.254.169.254, a link-local address (169.254.0.0/16, where cloud metadata services live)"),
        ("64:ff9b::8.8.8.8", nil),
        ("2002:7f00:1::1", "a 6to4 address (2002::/16) for 127.0.0.1, a loopback address"),
        ("2001:0:4136:e378::1", "a Teredo address (2001::/32)"),
    ]

    @Test(arguments: cases)
    func classifies(_ text: String, _ expected: String?) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressClassifier.nonPublicRange(of: address) == expected)
    }

    @Test func allowCIDRsOpenChosenRangesOnly() throws {
        let policy = AddressPolicy(allowCIDRs: [try CIDR("10.0.0.0/8")])
        #expect(policy.refusal(for: IPAddress("10.1.2.3")!) == nil)
        #expect(policy.refusal(for: IPAddress("::ffff:10.1.2.3")!) == nil, "the same host written as mapped IPv6")
        #expect(policy.refusal(for: IPAddress("192.168.0.1")!) == "a private address (RFC 1918)")
        #expect(policy.refusal(for: IPAddress("127.0.0.1")!) == "a loopback address")
    }

    @Test func strictParsingRefusesLegacyForms() {
        for text in ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::1]"] { #expect(IPAddress(text) == nil, "\(text)") }
        #expect(IPAddress("::ffff:127.0.0.1")?.embeddedIPv4?.address == IPAddress("127.0.0.1"))
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8::1")
    }
}

// MARK: - Pinning: curl connects only where egress checked

@Suite("Egress pinning")
struct EgressPinningTests {
    private func hop(to fake: TLSFake, permitting address: String) throws -> HopTransfer {
        // No connect_to: the resolve entry is the only way curl learns where api.socket.dev is.
        let target = CheckedURL(url: try CurlURL(parsing: "https://api.socket.dev:\(fake.port)/ok"), host: "api.socket.dev", port: fake.port)
        let plan = ConnectionPlan(
            resolveEntry: "api.socket.dev:\(fake.port):127.0.0.1", connectToEntry: nil,
            permittedAddresses: [try #require(IPAddress(address))], permittedPort: fake.port)
        return HopTransfer(easy: CurlEasy(), target: target, plan: plan,
                           request: OutgoingRequest(method: "GET", headers: [], body: []), policy: try policy(for: fake))
    }

    @Test func connectionGoesToThePinnedAddress() throws {
        let fake = try TLSFake()
        let response = try hop(to: fake, permitting: "127.0.0.1").run(deadline: .now + .seconds(5), isCancelled: { false })
        #expect(response.status == 200)
    }

    @Test func socketToAnUncheckedAddressIsNeverOpened() throws {
        // As if curl had picked an address egress never saw (rebinding, a curl change): the
        // open-socket callback refuses it and no connection is made.
        let fake = try TLSFake()
        do {
            _ = try hop(to: fake, permitting: "10.9.9.9").run(deadline: .now + .seconds(5), isCancelled: { false })
            Issue.record("the transfer should have been refused")
        } catch {
            guard case .refused(let message)? = error as? EgressError else { Issue.record("expected refused, got \(error)"); return }
            #expect(message == "curl tried to connect api.socket.dev to 127.0.0.1 port \(fake.port), which egress had not checked")
        }
        #expect(try fake.stats().connections == 0)
    }
}

// MARK: - Concurrency and the vendor fakes

@Suite("Egress under load")
struct EgressConcurrencyTests {
    @Test func concurrentCallsOnOneClientAllSucceed() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 24) { _ in
            let status = (try? send(client, "https://api.socket.dev/ok").get().status) ?? -1
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 200, count: 24))
        let stats = try fake.stats()
        #expect(stats.requests == 24)
        #expect(stats.connections <= 24)
    }

    @Test func vendorRoutesAnswerThroughEgress() throws {
        let fake = try TLSFake()
        let client = EgressClient(policy: try policy(for: fake))
        let basic = Data("sktsec_test_token:".utf8).base64EncodedString()
        let response = try send(client, "https://api.socket.dev/v0/quota", headers: [("Authorization", "Basic \(basic)")]).get()
        #expect(response.status == 200)
        #expect(json(response.body)["maxQuota"] as? Int == 1000)
    }
}

/// Fault 13: both tables checked against the IANA special-purpose address registries entry by
/// entry, at each entry's first and last address. The expectations are the registries' own
/// "globally reachable" column (written out here independently of the classifier's tables).
@Suite("Address classifier against the IANA registries")
struct IANARegistryTests {
    struct Entry: Sendable, CustomTestStringConvertible {
        var block: String
        var reachable: Bool
        var testDescription: String { "\(block) \(reachable ? "reachable" : "blocked")" }
    }

    static let ipv4: [Entry] = [
        .init(block: "0.0.0.0/8", reachable: false), .init(block: "0.0.0.0/32", reachable: false),
        .init(block: "10.0.0.0/8", reachable: false), .init(block: "100.64.0.0/10", reachable: false),
        .init(block: "127.0.0.0/8", reachable: false), .init(block: "169.254.0.0/16", reachable: false),
        .init(block: "172.16.0.0/12", reachable: false), .init(block: "192.0.0.0/29", reachable: false),
        .init(block: "192.0.0.8/32", reachable: false), .init(block: "192.0.0.9/32", reachable: true),
        .init(block: "192.0.0.10/32", reachable: true), .init(block: "192.0.0.170/32", reachable: false),
        .init(block: "192.0.0.171/32", reachable: false), .init(block: "192.0.2.0/24", reachable: false),
        .init(block: "192.31.196.0/24", reachable: true), .init(block: "192.52.193.0/24", reachable: true),
        .init(block: "192.88.99.0/24", reachable: false),  // deprecated 6to4 relay anycast: kept blocked
        .init(block: "192.168.0.0/16", reachable: false), .init(block: "192.175.48.0/24", reachable: true),
        .init(block: "198.18.0.0/15", reachable: false), .init(block: "198.51.100.0/24", reachable: false),
        .init(block: "203.0.113.0/24", reachable: false), .init(block: "240.0.0.0/4", reachable: false),
        .init(block: "255.255.255.255/32", reachable: false),
        .init(block: "224.0.0.0/4", reachable: false),  // multicast (its own registry)
    ]

    /// ::ffff:0:0/96, 64:ff9b::/96 and 2002::/16 carry an IPv4 address and are judged by it
    /// (`embeddedIPv4`); they are covered by the classifier cases above.
    static let ipv6: [Entry] = [
        .init(block: "::1/128", reachable: false), .init(block: "::/128", reachable: false),
        .init(block: "64:ff9b:1::/48", reachable: false), .init(block: "100::/64", reachable: false),
        .init(block: "100:0:0:1::/64", reachable: false),
        .init(block: "2001::/32", reachable: false),  // Teredo: N/A in the registry; blocked
        .init(block: "2001:1::1/128", reachable: true), .init(block: "2001:1::2/128", reachable: true),
        .init(block: "2001:1::3/128", reachable: true), .init(block: "2001:2::/48", reachable: false),
        .init(block: "2001:3::/32", reachable: true), .init(block: "2001:4:112::/48", reachable: true),
        .init(block: "2001:10::/28", reachable: false), .init(block: "2001:20::/28", reachable: true),
        .init(block: "2001:30::/28", reachable: true),
        // The rest of 2001::/23, between and after the named sub-blocks.
        .init(block: "2001:1::4/128", reachable: false), .init(block: "2001:5::/32", reachable: false),
        .init(block: "2001:40::/26", reachable: false), .init(block: "2001:100::/24", reachable: false),
        .init(block: "2001:db8::/32", reachable: false), .init(block: "2620:4f:8000::/48", reachable: true),
        .init(block: "3fff::/20", reachable: false), .init(block: "5f00::/16", reachable: false),
        .init(block: "fc00::/7", reachable: false), .init(block: "fe80::/10", reachable: false),
        .init(block: "ff00::/8", reachable: false),
    ]

    static func firstAndLast(_ text: String) throws -> [IPAddress] {
        let block = try CIDR(text)
        var last = block.network.bytes
        for index in last.indices {
            let hostBits = min(max((index + 1) * 8 - block.prefixLength, 0), 8)
            last[index] |= UInt8(truncatingIfNeeded: (1 << hostBits) - 1)
        }
        return [block.network, last.count == 4 ? IPAddress(ipv4: last) : IPAddress(ipv6: last)]
    }

    @Test(arguments: ipv4 + ipv6)
    func firstAndLastAddressFollowTheRegistry(_ entry: Entry) throws {
        for address in try Self.firstAndLast(entry.block) {
            let range = AddressClassifier.nonPublicRange(of: address)
            #expect((range == nil) == entry.reachable, "\(address) in \(entry.block): \(range ?? "public")")
        }
    }
}
