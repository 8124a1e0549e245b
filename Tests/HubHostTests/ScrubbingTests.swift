import Foundation
import Testing
import ProviderABI
@testable import HubHost

/// Fault 12: one scrubber, on every path out, covering every form a secret leaves in.
@Suite struct ScrubbingTests {
    static let secret = "sk_live_9f8e7d6c5b4a"

    /// Each form a provider (or an upstream) might echo, inside surrounding text.
    static func forms(of secret: String) -> [String] {
        func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        return [
            secret,
            b64(secret),
            "Authorization: Basic " + b64("api:" + secret),
            "Authorization: Basic " + b64("someone@example.com:" + secret),
            "Basic " + b64(":" + secret),
            "Basic " + b64(secret + ":"),
            "token=" + SecretRedactor.percentEncoded(secret, uppercase: true, spaceAsPlus: false),
            SecretRedactor.hex(Data(secret.utf8), uppercase: false),
            SecretRedactor.hex(Data(secret.utf8), uppercase: true),
            #"{"nested":"\#(b64(#"{"key":"\#(secret)"}"#))"}"#,
        ]
    }

    @Test(arguments: forms(of: secret))
    func theRedactorRemovesTheForm(_ form: String) {
        let text = "upstream said: " + form + " (end)"
        let redacted = SecretRedactor(secrets: [Self.secret]).redact(text)
        #expect(redacted != text, "not scrubbed: \(text)")
        #expect(!redacted.contains(Self.secret))
        #expect(redacted.hasPrefix("upstream said: ") && redacted.hasSuffix(" (end)"))
    }

    @Test func plainTextIsLeftAlone() {
        let text = "socket: 401 Unauthorized; retry in 42 s; see https://docs.socket.dev/errors"
        #expect(SecretRedactor(secrets: [Self.secret]).redact(text) == text)
    }

    /// A line a provider logs goes through the same redactor as its reply, and cannot forge a
    /// second log line.
    @Test(arguments: forms(of: secret))
    func aProviderLogLineIsScrubbedAndOneLine(_ form: String) {
        let context = CallContext(provider: "p", phase: .invoke, deadline: nil, services: KnownSecrets([Self.secret]))
        let line = ProviderLogLine.render("calling upstream with " + form + "\nFAKE ERROR injected", context: context)
        #expect(line.contains(SecretRedactor.marker), "\(line)")
        #expect(!line.contains("\n") && line.contains("\\nFAKE ERROR"))
    }
}

/// Provider services that only know which secrets to scrub.
struct KnownSecrets: ProviderServices {
    let values: [String]
    init(_ values: [String]) { self.values = values }
    func secret(_ name: String) throws(ServiceFailure) -> String { throw ServiceFailure(status: HUB_E_UNAVAILABLE, message: "no") }
    func send(
        _ request: OutboundRequest, deadline: ContinuousClock.Instant?, isCancelled: @escaping @Sendable () -> Bool
    ) throws(ServiceFailure) -> OutboundResponse { throw ServiceFailure(status: HUB_E_UNAVAILABLE, message: "no") }
    func secretsToScrub() -> [String] { values }
}
