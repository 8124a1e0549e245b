// The starting point for a new provider: copy this folder to Plugins/<Name>, rename the type,
// add the target to Package.swift's `providers` list, and list the provider in
// provider-config.yaml. Everything a provider needs comes from ProviderSDK; it never reads the
// environment, opens a socket or touches a file: secrets and HTTP go through `Call`.
import ProviderSDK

final class TemplateProvider: Provider {
    /// The key this provider has under `providers:` in provider-config.yaml.
    static let name = "template"
    static let version = "1.1.0"
    /// Secrets it will ask for: the config must grant them (`vault_key` or `vault_prefix`).
    static let secrets: [String] = []
    /// Hosts it will call: each must be within the config's `allowed_hosts`.
    static let hosts: [String] = []

    struct Settings: Decodable {
        var greeting: String?
    }

    private let greeting: String

    init(settings: ProviderSettings) throws {
        greeting = try settings.decode(Settings.self).greeting ?? "hello"
    }

    struct EchoInput: Codable {
        var message: String
    }

    struct EchoOutput: Codable {
        var greeting: String
        var message: String
    }

    var tools: [Tool] {
        [
            Tool(
                "echo",
                category: .reads,
                description: "Returns the message it is given, with the configured greeting.",
                inputSchema: #"""
                    {"type":"object","properties":{"message":{"type":"string","maxLength":4096}},
                     "required":["message"],"additionalProperties":false}
                    """#,
                title: "Echo a message",
                outputSchema: #"""
                    {"type":"object","properties":{"greeting":{"type":"string"},"message":{"type":"string"}},
                     "required":["greeting","message"],"additionalProperties":false}
                    """#,
                hints: [.readOnly, .idempotent]
            ) { [greeting] (input: EchoInput, call: Call) in
                EchoOutput(greeting: greeting, message: input.message)
            }
        ]
    }
}

// The one export: the hub calls this C symbol when it loads the library.
@_cdecl("hub_provider_init")
public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
    ProviderExport.initialize(TemplateProvider.self, host, load, settings, out)
}
