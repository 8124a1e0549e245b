import Dispatch
import Foundation
import Logging

/// `kill -HUP <pid>` reloads, as daemons do: the same reload as `POST /admin/reload`, audited
/// as the hub's own (channel `system`, no caller), refused or partial reloads logged and
/// audited by the reload itself. A burst of signals while a reload runs queues behind it (reloads
/// are serialised), it does not run one reload per signal in parallel.
final class HangupReload {
    private let source: any DispatchSourceSignal

    init(runtime: HubRuntime, logger: Logger) {
        // The default action of SIGHUP ends the process: ignore it, and hear it through Dispatch.
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            logger.notice("SIGHUP: reloading \(runtime.configPath)")
            Task {
                // The outcome is logged and audited by the reload itself.
                _ = try? await runtime.reload(trigger: "SIGHUP")
            }
        }
        source.resume()
    }

    func stop() { source.cancel() }
}
