import HTTPTypes
import Hummingbird

/// Turns whatever a route (or the router itself) throws into the contract's error shape:
/// an unmatched path is 404 `not_found`, a known path with another method is 405
/// `method_not_allowed` with `Allow`, anything else the status Hummingbird chose with a code
/// for it. Refusals the HTTP parser makes before any route runs (oversized or malformed
/// headers, control bytes in a header value) never reach here; the README says so.
struct ContractErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let requestId = HubRouter.requestId(of: request)
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let path = request.uri.path
            let method = request.method.rawValue
            var refusal: HubError
            switch status {
            case .notFound:
                let allowed = HubRoutes.methods(for: path)
                if allowed.isEmpty || allowed.contains(method) {
                    refusal = HubError(.notFound, "no route \(method) \(LogText.escaped(path))", stage: .resolve)
                } else {
                    refusal = HubError(
                        .methodNotAllowed, "\(LogText.escaped(path)) answers \(allowed.joined(separator: ", ")), not \(method)",
                        stage: .resolve, headers: [(name: "Allow", value: allowed.joined(separator: ", "))])
                }
            case .badRequest, .contentTooLarge, .requestHeaderFieldsTooLarge:
                refusal = HubError(.invalidInput, "the request is malformed: \(status.code) \(status.reasonPhrase)", stage: .validate)
            default:
                refusal = HubError(.internal, "unexpected error", stage: .invoke, reason: "\(error)")
            }
            var reply = ToolCallReply.error(refusal, requestId: requestId, eventId: nil)
            if status != .notFound, refusal.code == .invalidInput { reply.status = Int(status.code) }
            return HubRouter.reply(reply)
        }
    }
}

/// Every route the hub serves, by method: what `Allow` lists for a path. Register a route in
/// `HubRouter` and here (a test walks this table).
enum HubRoutes {
    static let table: [(method: String, pattern: String)] = [
        ("GET", "/healthz"),
        ("GET", "/providers"),
        ("POST", "/providers/:provider/:tool"),
        ("GET", "/providers/:provider/health"),
        ("POST", "/providers/:provider/health"),
        ("POST", "/admin/reload"),
        ("GET", "/events"),
        // (The MCP endpoint is not listed: MCPRoutes takes every method on hub.mcp.path and
        // answers the ones MCP does not use with 405 and Allow itself.)
        ("GET", "/.well-known/oauth-protected-resource"),
        ("GET", "/.well-known/oauth-protected-resource/mcp"),
    ]

    /// Methods some route answers for `path`, sorted, without repeats.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var methods: [String] = []
        for route in table where matches(route.pattern, segments) && !methods.contains(route.method) {
            methods.append(route.method)
        }
        return methods.sorted()
    }

    private static func matches(_ pattern: String, _ segments: ArraySlice<Substring>) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { part, segment in
            part.hasPrefix(":") ? !segment.isEmpty : part == segment
        }
    }
}
