import Foundation

/// Where a tool call came from and what its door needs from the path: the channel and protocol
/// revision for the audit row, where progress goes, and how the caller withdraws the call.
struct CallOrigin: Sendable {
    var channel: AuditChannel = .rest
    /// The MCP revision the request spoke (nil for REST).
    var protocolVersion: String? = nil
    var progress: ProgressSink? = nil
    var cancellation: CallCancellation? = nil
    /// The caller the door already verified from this request's own Authorization header.
    var verifiedCaller: Caller? = nil

    static let rest = CallOrigin()
}

/// One tool call (REST `POST /providers/{provider}/{tool}`, MCP `tools/call`) as it passes the stages. Each stage reads what
/// earlier stages settled and adds its own part; none reaches back.
struct ToolRequest: Sendable {
    let requestId: String
    let providerName: String
    let toolName: String
    let body: [UInt8]
    /// The body was longer than the door accepts; it was not read, and Validate refuses the call
    /// (after authentication, so the refusal is audited with its caller).
    var bodyTooLarge = false
    let authorization: String?
    let started: ContinuousClock.Instant
    let receivedAt: Date
    /// The generation the call started on; it keeps it to the end, whatever reloads happen.
    let generation: RegistryGeneration
    var origin: CallOrigin = .rest

    var caller: Caller?
    var tool: ServedTool?
    var input: JSONValue?
    /// Headers every reply carries from here on (the rate-limit budget, say).
    var responseHeaders: [(name: String, value: String)] = []
    var outcome: ToolOutcome?
}

/// What the provider produced.
struct ToolOutcome: Sendable {
    var result: JSONValue
    var resultText: String
    var hostsContacted: [String]
    /// Host refusals the provider recovered from; the audit row keeps them.
    var refusals: [String] = []
}

/// One step of the request path. Adding a guard is adding a type and a line in the pipeline.
protocol RequestStage: Sendable {
    func apply(to request: inout ToolRequest) async throws(HubError)
}
