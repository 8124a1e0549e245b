import Hummingbird

/// The way into an admin action over HTTP: authenticate, require `ops_admin`, and audit a
/// refusal (provider `hub`, tool the action) before it is answered — an admin endpoint is
/// refused on the record like any tool.
enum AdminDoor {
    static func admit(_ hub: HubRuntime, _ request: Request, action: String, requestId: String) async throws(HubError) -> Caller {
        let started = ContinuousClock.now
        var caller: Caller?
        do throws(HubError) {
            let admitted = try await hub.authenticator.caller(forAuthorization: request.headers[.authorization])
            caller = admitted
            guard admitted.role >= .opsAdmin else {
                throw HubError(.forbidden, "\(action) requires ops_admin", stage: .authorize,
                               reason: "role \(admitted.role.rawValue) below ops_admin")
            }
            return admitted
        } catch {
            let event = AdminAuditEvent.make(
                action: action, channel: .rest, caller: caller, requestId: requestId, status: error.auditStatus,
                stage: error.stage, error: error.reason ?? error.message, started: started)
            do {
                try await hub.audit.append(event)
            } catch {
                throw HubError(.unavailable, "the audit trail is unavailable; the outcome could not be recorded", stage: .audit)
            }
            throw error
        }
    }
}

/// `GET /healthz`: `ok` when every enabled provider loaded and the audit trail writes straight
/// through; `degraded` (still 200: the hub serves) with the reasons otherwise.
enum HubStatus {
    static func of(_ hub: HubRuntime) async -> JSONValue {
        let generation = hub.registry.generation
        var problems: [String] = ReloadSummary.failureLines(generation)
        var fields: [String: JSONValue] = [
            "generation": .number(Double(generation.number)),
            "providers_loaded": .number(Double(generation.providers.count)),
            "providers_failed": .number(Double(generation.failures.count)),
        ]
        if !generation.failures.isEmpty {
            fields["failures"] = .array(problems.map { .string($0) })
        }
        if let spooled = await hub.audit.spoolDepth(), spooled > 0 {
            fields["audit_spool_depth"] = .number(Double(spooled))
            problems.append("the audit database is unreachable; \(spooled) events are spooled locally")
        }
        fields["status"] = problems.isEmpty ? "ok" : "degraded"
        if !problems.isEmpty { fields["problems"] = .array(problems.map { .string($0) }) }
        return .object(fields)
    }
}
