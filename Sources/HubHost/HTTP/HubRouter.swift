import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The hub's HTTP contract (see README "HTTP"). Handlers only translate between HTTP and the
/// runtime; every decision is made by the pipeline and the runtime behind them.
enum HubRouter {
    static let maxBodyBytes = 1 << 20

    static func build(_ hub: HubRuntime) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        // First, so it wraps every route and the not-found responder: whatever is refused leaves
        // in the contract's error shape.
        router.add(middleware: ContractErrorMiddleware())
        MCPRoutes.add(to: router, hub: hub)

        router.get("/healthz") { _, _ in
            json(200, await HubStatus.of(hub))
        }

        router.get("/providers") { request, _ in
            let requestId = requestId(of: request)
            do {
                let caller = try await hub.authenticator.caller(forAuthorization: request.headers[.authorization])
                return json(200, ProviderListing.visible(to: caller, in: hub.registry.generation), requestId: requestId)
            } catch {
                return reply(.error(error, requestId: requestId, eventId: nil))
            }
        }

        router.post("/providers/:provider/:tool") { request, context in
            await callTool(
                hub, request, context, provider: context.parameters.get("provider") ?? "", tool: context.parameters.get("tool") ?? "")
        }

        // `health` is also a tool, reachable with GET (no body) and with POST like any tool: the
        // router matches the constant segment before `:tool`, so POST needs its own route.
        router.get("/providers/:provider/health") { request, context in
            let requestId = requestId(of: request)
            return reply(await hub.pipeline.handle(
                requestId: requestId, provider: context.parameters.get("provider") ?? "", tool: "health", body: [],
                authorization: request.headers[.authorization]))
        }
        router.post("/providers/:provider/health") { request, context in
            await callTool(hub, request, context, provider: context.parameters.get("provider") ?? "", tool: "health")
        }

        router.post("/admin/reload") { request, _ in
            let requestId = requestId(of: request)
            do {
                let caller = try await AdminDoor.admit(hub, request, action: "reload", requestId: requestId)
                let generation = try await hub.reload(requestedBy: caller, requestId: requestId)
                return json(200, ReloadSummary.of(generation), requestId: requestId)
            } catch {
                return reply(.error(error, requestId: requestId, eventId: nil))
            }
        }

        router.get("/events") { request, _ in
            let requestId = requestId(of: request)
            do {
                let caller = try await hub.authenticator.caller(forAuthorization: request.headers[.authorization])
                var parameters: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
                let filters = try EventFilters.parse(parameters)
                return json(200, try await hub.events(filters, for: caller), requestId: requestId)
            } catch {
                return reply(.error(error, requestId: requestId, eventId: nil))
            }
        }

        return router
    }

    /// `POST /providers/{provider}/{tool}`: the body (≤ 1 MiB) through the pipeline.
    static func callTool(
        _ hub: HubRuntime, _ request: Request, _ context: HubRequestContext, provider: String, tool: String
    ) async -> Response {
        let requestId = requestId(of: request)
        var request = request
        // An oversized body still goes through the pipeline: authenticated, refused at validate,
        // audited — like every other refusal.
        let body = try? await request.collectBody(upTo: maxBodyBytes)
        // A client that goes away withdraws its call, as on the MCP door.
        let (cancellation, token) = hub.clientDisconnects.watch(context.channel)
        defer { hub.clientDisconnects.release(context.channel, token: token) }
        return reply(await hub.pipeline.handle(
            requestId: requestId, provider: provider, tool: tool, body: body.map { Array(buffer: $0) } ?? [],
            authorization: request.headers[.authorization], origin: CallOrigin(cancellation: cancellation),
            bodyTooLarge: body == nil))
    }

    /// The caller's X-Request-Id when it is a sane token, else a fresh one.
    static func requestId(of request: Request) -> String {
        if let given = request.headers[HTTPField.Name("X-Request-Id")!], (1...64).contains(given.count),
            given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    static func reply(_ reply: ToolCallReply) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("X-Request-Id")!] = reply.requestId
        if let eventId = reply.eventId { fields[HTTPField.Name("X-Run-Event-Id")!] = eventId.uuidString.lowercased() }
        for header in reply.headers {
            if let name = HTTPField.Name(header.name) { fields[name] = header.value }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    static func json(_ status: Int, _ value: JSONValue, requestId: String? = nil) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if let requestId { fields[HTTPField.Name("X-Request-Id")!] = requestId }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized)))
    }
}

extension ToolCallReply {
    /// Any error a handler meets, in the contract's shape.
    static func error(_ error: any Error, requestId: String, eventId: UUID?) -> ToolCallReply {
        let hubError = error as? HubError ?? HubError(.internal, "unexpected error", stage: .invoke, reason: "\(error)")
        return .error(hubError, requestId: requestId, headers: [], eventId: eventId)
    }
}
