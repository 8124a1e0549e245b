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

/// Cancels the calls of a connection when its client goes away. The server runs with remote
/// half-closure allowed, so a client that aborts a request (closes its socket) is seen as
/// "input closed" long before the connection itself closes (only after the handler answers):
/// `ClientGoneWatcher`, one per connection, reports both.
final class ClientDisconnects: Sendable {
    /// Calls in flight per connection, in shards picked by the connection, so calls on different
    /// connections do not queue on one lock (every REST and MCP call passes here).
    private final class Shard: Sendable {
        let connections = Mutex<[ObjectIdentifier: [UInt64: CallCancellation]]>([:])
    }
    private let shards = (0..<16).map { _ in Shard() }
    private let nextId = Atomic<UInt64>(0)

    private func shard(_ key: ObjectIdentifier) -> Shard {
        shards[key.hashValue & (shards.count - 1)]
    }

    /// A cancellation that fires if `channel`'s client goes away before `release`.
    func watch(_ channel: any Channel) -> (CallCancellation, token: UInt64) {
        let cancellation = CallCancellation()
        let token = nextId.add(1, ordering: .relaxed).newValue
        let key = ObjectIdentifier(channel)
        shard(key).connections.withLock { $0[key, default: [:]][token] = cancellation }
        return (cancellation, token)
    }

    func release(_ channel: any Channel, token: UInt64) {
        let key = ObjectIdentifier(channel)
        shard(key).connections.withLock { connections in
            connections[key]?.removeValue(forKey: token)
            if connections[key]?.isEmpty == true { connections[key] = nil }
        }
    }

    /// The client of `channel` is gone: withdraw its calls.
    func clientGone(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let calls = shard(key).connections.withLock { $0.removeValue(forKey: key) }
        calls?.values.forEach { $0.cancel() }
    }
}

/// Tells `ClientDisconnects` when a connection's client has gone: its input closed (the client
/// closed or aborted) or the connection became inactive. Passes everything else through.
final class ClientGoneWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer  // never unwrapped: reads pass through untouched
    let disconnects: ClientDisconnects

    init(_ disconnects: ClientDisconnects) { self.disconnects = disconnects }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { disconnects.clientGone(context.channel) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disconnects.clientGone(context.channel)
        context.fireChannelInactive()
    }
}
