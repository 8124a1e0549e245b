import Hummingbird
import Logging
import NIOCore

/// The hub's HTTP application, built one way for `serve` and for the tests: the router and an
/// HTTP/1 server whose every connection reports a departed client (`ClientGoneWatcher`).
enum HubApplication {
    static func make(
        _ runtime: HubRuntime, configuration: ApplicationConfiguration = .init(),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }, logger: Logger? = nil
    ) -> some ApplicationProtocol {
        let disconnects = runtime.clientDisconnects
        return Application(
            router: HubRouter.build(runtime),
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientGoneWatcher(disconnects)])),
            configuration: configuration, onServerRunning: onServerRunning, logger: logger)
    }
}
