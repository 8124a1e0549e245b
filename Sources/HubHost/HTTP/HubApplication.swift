import Hummingbird
import Logging
import NIOCore

/// The hub's HTTP application, built one way for `serve` and for the tests: the router and an
/// HTTP/1 server with the limits of `hub.http` whose every connection reports a departed client.
enum HubApplication {
    static func make(
        _ runtime: HubRuntime, http: HTTPServerSettings? = nil, configuration: ApplicationConfiguration = .init(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }, logger: Logger? = nil
    ) -> some ApplicationProtocol {
        Application(
            router: HubRouter.build(runtime),
            server: HubHTTPServer.builder(http ?? runtime.config.hub.http, disconnects: runtime.clientDisconnects),
            configuration: configuration, onServerRunning: onServerRunning, logger: logger)
    }
}
