import Foundation

/// Audit events for what the hub does outside a tool call: an admin's reload, a change of
/// provider health the prober saw, a refusal before any route ran. One builder so every such
/// row has the same shape: provider `hub`, tool the action (`reload`, `health.<provider>`),
/// channel `rest` when an HTTP call caused it and `system` when the hub acted by itself.
enum AdminAuditEvent {
    static func make(
        action: String, channel: AuditChannel, caller: Caller?, requestId: String = UUID().uuidString.lowercased(),
        status: AuditStatus, stage: Stage? = nil, error: String?, result: JSONValue? = nil,
        started: ContinuousClock.Instant = .now, receivedAt: Date = Date()
    ) -> AuditEvent {
        AuditEvent(
            requestId: requestId, provider: "hub", tool: action, callerId: caller?.id,
            callerRole: caller?.role.rawValue ?? (channel == .system ? "system" : "unknown"), team: caller?.team,
            status: status, stage: stage?.rawValue, result: result?.serialized,
            error: error.map(LogText.escaped), durationMs: Int((ContinuousClock.now - started) / .milliseconds(1)),
            createdAt: receivedAt, channel: channel)
    }
}

/// Text that goes into one log line or one audit field: control characters (CR, LF, ESC …)
/// are written as escapes so nothing a provider or a caller supplied can forge a second line.
enum LogText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
