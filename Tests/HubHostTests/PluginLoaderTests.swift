import Foundation
import Testing
@testable import HubHost

/// The loader: real libraries (the Swift providers SwiftPM built, the C fixture cc built) through
/// dlopen, and each refusal naming provider, file and check.
@Suite struct PluginLoaderTests {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-loader-\(UUID().uuidString)").path

    func config(_ yaml: String) throws -> HubConfig {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-hub-loader-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("provider-config.yaml").path
        try "providers:\n\(yaml)".write(toFile: path, atomically: true, encoding: .utf8)
        return try ConfigLoader.load(path: path)
    }

    func generation(_ yaml: String) throws -> RegistryGeneration {
        let config = try config(yaml)
        let services = HubServices(secrets: nil, egress: config.hub.egress)
        return HubRuntime.loadGeneration(number: 1, config: config, services: services)
    }

    static let allProviders = """
          socket:
            library: \(RepositoryPaths.providerLibrary("Socket"))
            vault_key: socket_api_key
            allowed_hosts: [api.socket.dev, socket.dev]
            tools:
              - { name: scan.repo, min_role: ops_operator }
              - { name: findings.list, min_role: ops_viewer }
              - { name: health, min_role: ops_viewer }
            settings: { org_slug: acme }
          sentry:
            library: \(RepositoryPaths.providerLibrary("Sentry"))
            vault_prefix: sentry_
            allowed_hosts: [sentry.io, "*.ingest.sentry.io", "*.ingest.us.sentry.io"]
            tools:
              - { name: capture.error, min_role: ops_operator }
              - { name: issues.list, min_role: ops_viewer }
              - { name: health, min_role: ops_viewer }
            settings: { org_slug: acme }
          netdata:
            library: \(RepositoryPaths.providerLibrary("Netdata"))
            vault_key: netdata_token
            allowed_hosts: [app.netdata.cloud]
            tools:
              - { name: metrics.query, min_role: ops_viewer }
              - { name: alerts.list, min_role: ops_viewer }
              - { name: health, min_role: ops_viewer }
            settings: { space_id: s1, room_id: r1 }
        """

    @Test func theThreeSwiftProvidersAndTheCProviderLoad() throws {
        let generation = try generation(Self.allProviders + "\n" + ProviderYAML.cFixture(library: try CFixtures.library(.working)))
        #expect(generation.failures.map(\.description) == [])
        #expect(Set(generation.providers.keys) == ["socket", "sentry", "netdata", "cfixture"])
        #expect(Set(generation.providers["socket"]!.tools.keys) == ["scan.repo", "findings.list", "health"])
        #expect(Set(generation.providers["sentry"]!.tools.keys) == ["capture.error", "issues.list", "health"])
        #expect(Set(generation.providers["netdata"]!.tools.keys) == ["metrics.query", "alerts.list", "health"])
        #expect(generation.providers["socket"]!.tools["scan.repo"]!.category == .scans)
        #expect(generation.providers["sentry"]!.tools["capture.error"]!.category == .writes)
        #expect(generation.providers["socket"]!.manifest.secrets == ["socket_api_key"])
        #expect(generation.providers["cfixture"]!.manifest.toolchain == "c")
        #expect(generation.providers["socket"]!.manifest.toolchain.hasPrefix("swift"))
    }

    /// Each broken library is refused with one precise line, and the good providers beside it
    /// still load.
    @Test(arguments: [
        (CFixtures.Variant.wrongMajor, "abi: ABI major 2, host speaks 1"),
        (.newerMinor, "abi: ABI 1.99 is newer than the host's 1.1"),
        (.noInit, "entry point: the library does not export hub_provider_init"),
        (.initFails, "init: hub_provider_init returned HUB_E_INTERNAL: cfixture refuses to start: no upstream configured"),
        (.badSchema, "schema: tool 'add': input schema:"),
    ])
    func brokenLibrariesAreRefusedPrecisely(variant: CFixtures.Variant, expected: String) throws {
        let library = try CFixtures.library(variant)
        let generation = try generation(ProviderYAML.template() + "\n" + ProviderYAML.cFixture(library: library))
        #expect(generation.providers.keys.sorted() == ["template"])
        let failure = try #require(generation.failures.first)
        #expect(generation.failures.count == 1)
        #expect(failure.description.hasPrefix("cfixture: \(library): \(expected)"), "got: \(failure.description)")
    }

    @Test func aLibraryWithoutTheABISymbolIsRefused() throws {
        // libc is a perfectly good shared library that is not a provider.
        let yaml = """
              notaprovider:
                library: /lib/x86_64-linux-gnu/libz.so.1
                tools: []
            """
        let generation = try generation(yaml)
        #expect(generation.failures.first?.description
            == "notaprovider: /lib/x86_64-linux-gnu/libz.so.1: entry point: the library does not export hub_provider_abi; was it built against ProviderABI?")
    }

    @Test func aToolListedInTheConfigButNotExportedIsRefused() throws {
        let library = try CFixtures.library(.working)
        let yaml = """
              cfixture:
                library: \(library)
                vault_key: cfixture_token
                tools:
                  - { name: add, min_role: ops_viewer }
                  - { name: subtract, min_role: ops_viewer }
            """
        let generation = try generation(yaml)
        let failure = try #require(generation.failures.first).description
        #expect(failure.hasPrefix("cfixture: \(library): tools: tool 'subtract' is listed in the config at "))
        #expect(failure.contains("provider-config.yaml:7:"))
        #expect(failure.hasSuffix("but the library does not export it (it exports: add, leak, nap, peek, rejected, throttle)"))
    }

    @Test func aSHA256PinMismatchIsRefusedBeforeAnyProviderCodeRuns() throws {
        let library = try CFixtures.library(.working)
        let wrong = String(repeating: "ab", count: 32)
        let yaml = """
              cfixture:
                library: \(library)
                sha256: \(wrong)
                vault_key: cfixture_token
                tools: [{ name: add }]
            """
        let generation = try generation(yaml)
        let failure = try #require(generation.failures.first).description
        #expect(failure.hasPrefix("cfixture: \(library): sha256 pin: the library's sha256 is "))
        #expect(failure.hasSuffix(", the config pins \(wrong)"))
    }

    @Test func aMatchingSHA256PinLoads() throws {
        let library = try CFixtures.library(.working)
        let digest = try ProviderLibrary.open(provider: "pin", path: library, pinnedSHA256: nil, cacheDirectory: cache).sha256
        let yaml = """
              cfixture:
                library: \(library)
                sha256: "sha256:\(digest)"
                vault_key: cfixture_token
                tools: [{ name: add }]
            """
        #expect(try generation(yaml).providers["cfixture"] != nil)
    }

    @Test func declaredHostsMustBeWithinAllowedHosts() throws {
        let yaml = """
              socket:
                library: \(RepositoryPaths.providerLibrary("Socket"))
                vault_key: socket_api_key
                allowed_hosts: [socket.dev]
                tools: [{ name: health }]
                settings: { org_slug: acme }
            """
        let failure = try #require(try generation(yaml).failures.first).description
        #expect(failure.hasSuffix("hosts: the provider declares host 'api.socket.dev', which is not within allowed_hosts [socket.dev]"))
    }

    @Test func declaredSecretsMustBeWithinTheVaultScope() throws {
        let yaml = """
              socket:
                library: \(RepositoryPaths.providerLibrary("Socket"))
                vault_key: sentry_dsn
                allowed_hosts: [api.socket.dev]
                tools: [{ name: health }]
                settings: { org_slug: acme }
            """
        let failure = try #require(try generation(yaml).failures.first).description
        #expect(failure.contains("secrets: the provider declares secret 'socket_api_key', which is outside its vault scope"))
    }

    @Test func theLoaderCopiesLibrariesToContentAddressedPaths() throws {
        let library = try CFixtures.library(.working)
        let opened = try ProviderLibrary.open(provider: "cfixture", path: library, pinnedSHA256: nil, cacheDirectory: cache)
        #expect(opened.loadedPath == "\(cache)/cfixture-\(opened.sha256).so")
        let attributes = try FileManager.default.attributesOfItem(atPath: opened.loadedPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o444)
    }

    @Test func hostCoverage() {
        #expect(HostCoverage.covers(["*.ingest.sentry.io"], "o1.ingest.sentry.io"))
        #expect(HostCoverage.covers(["*.ingest.sentry.io"], "*.ingest.sentry.io"))
        #expect(!HostCoverage.covers(["*.sentry.io"], "*.ingest.sentry.io"))
        #expect(!HostCoverage.covers(["*.ingest.sentry.io"], "ingest.sentry.io"))
        #expect(!HostCoverage.covers(["*.ingest.sentry.io"], "ingest.sentry.io.evil.com"))
        #expect(!HostCoverage.covers(["sentry.io"], "*.sentry.io"))
    }
}
