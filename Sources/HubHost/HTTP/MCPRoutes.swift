import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The MCP endpoint and the OAuth protected-resource metadata on the hub's router. The protocol
/// lives in `MCPEndpoint`; this file only translates HTTP.
enum MCPRoutes {
    static func add(to router: Router<HubRequestContext>, hub: HubRuntime) {
        let endpoint = MCPEndpoint(hub: hub)
        let disconnects = hub.clientDisconnects
        let path = RouterPath(hub.config.hub.mcp.path)
        // Every method reaches the endpoint, which answers the ones MCP does not use with 405.
        for method in [HTTPRequest.Method.post, .get, .delete, .put, .patch, .options] {
            router.on(path, method: method) { request, context in
                await handle(request, context: context, endpoint: endpoint, disconnects: disconnects)
            }
        }
        // RFC 9728: clients try the path-suffixed form first, then the root form.
        let metadata = { @Sendable (_: Request, _: HubRequestContext) -> Response in
            HubRouter.json(200, .object([
                "resource": .string(endpoint.resourceURL),
                "authorization_servers": .array(hub.config.hub.auth.map { [.string($0.issuer)] } ?? []),
                "bearer_methods_supported": ["header"],
                "resource_name": "mcp-hub",
            ]))
        }
        router.get(RouterPath("/.well-known/oauth-protected-resource" + hub.config.hub.mcp.path), use: metadata)
        router.get("/.well-known/oauth-protected-resource", use: metadata)
    }

    static func handle(
        _ request: Request, context: HubRequestContext, endpoint: MCPEndpoint, disconnects: ClientDisconnects
    ) async -> Response {
        var request = request
        let requestId = HubRouter.requestId(of: request)
        let method: MCPHTTPRequest.Method = switch request.method {
        case .post: .post
        case .get: .get
        case .delete: .delete
        default: .other(request.method.rawValue)
        }
        var body: [UInt8] = []
        if case .post = method {
            do {
                body = Array(buffer: try await request.collectBody(upTo: HubRouter.maxBodyBytes))
            } catch {
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                let refusal = await endpoint.refuseOversizedBody(MCPHTTPRequest(
                    method: method, headers: headers, body: [], requestId: requestId, disconnect: nil))
                return write(refusal, requestId: requestId)
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let channel = context.channel
        let (disconnect, token) = disconnects.watch(channel)
        let answer = await endpoint.handle(MCPHTTPRequest(
            method: method, headers: headers, body: body, requestId: requestId, disconnect: disconnect))
        // A streamed answer is still working for the client after this handler returns: its
        // calls stay withdrawable until the stream ends (or fails to write: the client is gone).
        let done: @Sendable (_ clientGone: Bool) -> Void = { clientGone in
            if clientGone { disconnect.cancel() }
            disconnects.release(channel, token: token)
        }
        if case .events = answer { return write(answer, requestId: requestId, done: done) }
        done(false)
        return write(answer, requestId: requestId)
    }

    static func write(
        _ answer: MCPHTTPResponse, requestId: String, done: @escaping @Sendable (_ clientGone: Bool) -> Void = { _ in }
    ) -> Response {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Request-Id")!] = requestId
        switch answer {
        case .json(let status, let body, let headers):
            fields[.contentType] = "application/json"
            add(headers, to: &fields)
            return Response(
                status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized)))
        case .empty(let status, let headers):
            add(headers, to: &fields)
            return Response(status: .init(code: status), headers: fields)
        case .events(let headers, let messages):
            fields[.contentType] = "text/event-stream"
            fields[.cacheControl] = "no-cache"
            add(headers, to: &fields)
            return Response(status: .ok, headers: fields, body: ResponseBody { writer in
                do {
                    for await message in messages {
                        try await writer.write(ByteBuffer(string: "event: message\ndata: \(message.serialized)\n\n"))
                    }
                    try await writer.finish(nil)
                    done(false)
                } catch {
                    done(true)
                    throw error
                }
            })
        }
    }

    private static func add(_ headers: [(name: String, value: String)], to fields: inout HTTPFields) {
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields[name] = header.value }
        }
    }
}
