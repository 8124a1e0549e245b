import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import HubHost

/// Versioned tools: `scan.repo` and `scan.repo.v2` side by side, the old one marked deprecated in
/// the config. Callers learn it on every reply (RFC 9745 `Deprecation`, RFC 8594 `Sunset`, a
/// `successor-version` link) and over MCP in the description; the audit row keeps the exact tool.
@Suite struct ToolDeprecationTests {
    static func hub() throws -> TestHub {
        try TestHub(
            providers: """
              cfixture:
                library: \(try CFixtures.library(.working))
                vault_key: cfixture_token
                tools:
                  - { name: add, min_role: ops_viewer, timeout_ms: 2000, deprecated: "2026-12-01", sunset: "2027-03-01", successor: peek }
                  - { name: peek, min_role: ops_viewer, timeout_ms: 2000 }
            """, secrets: ["cfixture_token": "x"])
    }

    @Test func aDeprecatedToolSaysSoOnEveryReplyAndInItsDescription() async throws {
        let hub = try Self.hub()
        let viewer = try await hub.token(.opsViewer)
        try await hub.application.test(.router) { client in
            let reply = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: [.authorization: "Bearer \(viewer)"],
                body: ByteBuffer(string: #"{"a":1,"b":2}"#))
            #expect(reply.status == .ok)  // still works until the admin removes it
            #expect(reply.headers[HTTPField.Name("Deprecation")!] == "@1796083200")
            #expect(reply.headers[HTTPField.Name("Sunset")!] == "Mon, 01 Mar 2027 00:00:00 GMT")
            #expect(reply.headers[HTTPField.Name("Link")!] == #"</providers/cfixture/peek>; rel="successor-version""#)

            let invalid = try await client.execute(
                uri: "/providers/cfixture/add", method: .post, headers: [.authorization: "Bearer \(viewer)"],
                body: ByteBuffer(string: #"{"a":"x"}"#))
            #expect(invalid.status == .badRequest)
            #expect(invalid.headers[HTTPField.Name("Deprecation")!] == "@1796083200")

            let list = try await client.mcp(MCPWire.modern("tools/list", id: 1), token: viewer)
            let add = try list.result["tools"]?.arrayValue?.first { $0["name"] == .string("cfixture_add") }
            #expect(add?["description"]?.stringValue?.hasSuffix(
                "Deprecated since 2026-12-01; to be removed on 2027-03-01; use cfixture_peek instead.") == true)

            let providers = try await client.execute(uri: "/providers", method: .get, headers: [.authorization: "Bearer \(viewer)"])
            let listed = try JSONValue.parse(Array(buffer: providers.body))["providers"]?.arrayValue?.first?["tools"]?.arrayValue
            #expect(listed?.first { $0["name"] == "add" }?["deprecated"] == ["since": "2026-12-01", "sunset": "2027-03-01", "successor": "peek"])
        }
        #expect(try await hub.events().allSatisfy { $0.tool == "add" })
    }

    @Test func deprecationsAreCheckedInTheConfig() throws {
        func error(_ tools: String) -> String {
            let yaml = "providers:\n  p:\n    enabled: false\n    tools:\n\(tools)\n"
            do {
                _ = try ConfigLoader.parse(yaml, path: "c.yaml")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(error("      - { name: a, successor: b, deprecated: \"2026-12-01\" }").contains("successor 'b' is not in this provider's tools list"))
        #expect(error("      - { name: a, deprecated: \"2026-12-01\", sunset: \"2026-11-01\" }").contains("sunset is before"))
        #expect(error("      - { name: a, sunset: \"2026-11-01\" }").contains("set deprecated"))
        #expect(error("      - { name: a, deprecated: \"2026-02-30\" }").contains("a day (YYYY-MM-DD)"))
        #expect(error("      - { name: a, deprecated: \"2026-12-01\" }") == "no error")
    }
}
