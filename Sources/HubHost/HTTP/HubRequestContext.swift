import Hummingbird
import NIOCore
import Synchronization

/// Hummingbird's basic context plus the connection, so a handler can learn that its client has
/// gone away (a call in flight is then withdrawn and audited `cancelled`).
struct HubRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Cancels the calls of a connection when it closes. One close callback per connection, not per
/// request: a keep-alive connection serves many requests, and NIO callbacks cannot be removed.
final class ClientDisconnects: Sendable {
    private struct Connection { var calls: [UInt64: CallCancellation] = [:] }
    private let connections = Mutex<[ObjectIdentifier: Connection]>([:])
    private let nextId = Atomic<UInt64>(0)

    /// A cancellation that fires if `channel` closes before `release` is called with the token.
    func watch(_ channel: any Channel) -> (CallCancellation, token: UInt64) {
        let cancellation = CallCancellation()
        let token = nextId.add(1, ordering: .relaxed).newValue
        let key = ObjectIdentifier(channel)
        let isNew = connections.withLock { connections in
            let isNew = connections[key] == nil
            connections[key, default: Connection()].calls[token] = cancellation
            return isNew
        }
        if isNew {
            channel.closeFuture.whenComplete { [weak self] _ in
                let calls = self?.connections.withLock { $0.removeValue(forKey: key) }
                calls?.calls.values.forEach { $0.cancel() }
            }
        }
        // A connection that closed already: its closeFuture has completed, so the callback above
        // runs at once and withdraws the call.
        return (cancellation, token)
    }

    func release(_ channel: any Channel, token: UInt64) {
        _ = connections.withLock { $0[ObjectIdentifier(channel)]?.calls.removeValue(forKey: token) }
    }
}
