import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// `mcp-hub serve`: load the config, open the vault and the audit store, load the providers,
/// serve HTTP until stopped.
public enum HubServer {
    public static func run(configPath: String) async throws {
        let logger = Logger(label: "mcp-hub")
        let config = try ConfigLoader.load(path: configPath)
        guard let auth = config.hub.auth else {
            throw CommandFailure("""
                \(config.path): hub.auth is required: every call must carry a Supabase JWT. \
                Set hub.auth.issuer and jwt_secret_key (a vault secret name) and/or jwks_url.
                """)
        }
        let secrets = try SecretStores.cache(for: config.hub.vault)
        secrets.start()
        let audit = try AuditStores.open(config.hub.audit)
        let services = HubServices(secrets: secrets, egress: config.hub.egress)
        let verifier = Authenticators.verifier(for: auth, secrets: secrets, egress: config.hub.egress)
        let runtime = HubRuntime(config: config, services: services, authenticator: verifier, audit: audit)

        let generation = runtime.registry.generation
        for failure in generation.failures { logger.error("provider not loaded: \(failure.description)") }
        for provider in generation.providers.values.sorted(by: { $0.name < $1.name }) {
            logger.info("provider \(provider.name) \(provider.manifest.version) serving \(provider.tools.keys.sorted())")
            if !provider.unlistedTools.isEmpty {
                logger.notice("provider \(provider.name): tools not listed in the config are not served: \(provider.unlistedTools)")
            }
        }
        if let key = auth.jwtSecretKey, (try? secrets.value(key)) == nil {
            logger.warning("vault secret '\(key)' is missing: HS256 tokens are refused until it is set (mcp-hub secrets set \(key))")
        }
        let listen = config.hub.listen
        let app = HubApplication.make(
            runtime,
            configuration: HubHTTPServer.configuration(config.hub, logger: logger),
            onServerRunning: { channel in
                // Logged once bound, with the port the kernel chose: `listen: 127.0.0.1:0` is
                // how tests and scripts get a free port, and they need to learn which.
                let port = channel.localAddress?.port ?? listen.port
                logger.info("listening on \(ListenAddress(host: listen.host, port: port))\(listen.isLoopback ? " (loopback only)" : "")")
            },
            logger: logger)
        let hangups = HangupReload(runtime: runtime, logger: logger)
        defer { hangups.stop() }
        let watcher = ConfigWatcher(runtime: runtime, logger: logger)
        watcher?.start()
        defer { watcher?.stop() }
        try await app.runService()
        await runtime.shutdown()
        secrets.stop()
    }
}

/// The HTTP server's limits from `hub.http`, shared by `serve` and the tests that run a live
/// server: read deadlines (`RequestDeadlineHandler`), an idle timeout and a connection cap.
enum HubHTTPServer {
    /// `disconnects` hears of every client that goes away (`ClientGoneWatcher`).
    static func builder(_ http: HTTPServerSettings, disconnects: ClientDisconnects) -> HTTPServerBuilder {
        .http1(configuration: .init(
            additionalChannelHandlers: [
                RequestDeadlineHandler(header: .milliseconds(Int64(http.headerTimeoutMs)), body: .milliseconds(Int64(http.bodyTimeoutMs))),
                ClientGoneWatcher(disconnects),
            ],
            idleTimeout: .milliseconds(Int64(http.idleTimeoutMs))))
    }

    static func configuration(_ hub: HubSettings, logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(hub.listen.host, port: hub.listen.port), serverName: "mcp-hub",
            availableConnectionsDelegate: ConnectionLimit(maxConnections: hub.http.maxConnections))
    }
}

/// A command-line failure: its message is printed as it is, and the process exits non-zero.
public struct CommandFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
