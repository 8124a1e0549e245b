import Foundation

/// Filters for `mcp-hub events` and `GET /events`, as text; parsed once, with precise errors.
public struct EventFilters: Sendable {
    public var provider, tool, caller, status, severity, since, until: String?
    public var limit: Int
    public var cursor: String?

    public init(
        provider: String? = nil, tool: String? = nil, caller: String? = nil, status: String? = nil,
        severity: String? = nil, since: String? = nil, until: String? = nil, limit: Int = 50, cursor: String? = nil
    ) {
        (self.provider, self.tool, self.caller, self.status, self.severity) = (provider, tool, caller, status, severity)
        (self.since, self.until, self.limit, self.cursor) = (since, until, limit, cursor)
    }

    func query() throws(HubError) -> AuditQuery {
        func invalid(_ message: String) -> HubError { HubError(.invalidInput, message, stage: .validate) }
        var query = AuditQuery(provider: provider, tool: tool, limit: limit, cursor: cursor)
        if let caller {
            guard let uuid = UUID(uuidString: caller) else { throw invalid("caller '\(caller)' is not a UUID") }
            query.callerId = uuid.uuidString.lowercased()
        }
        if let status {
            guard let parsed = AuditStatus(rawValue: status) else {
                throw invalid("status '\(status)' is not one of \(AuditStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = parsed
        }
        if let severity {
            guard let parsed = AuditSeverity(rawValue: severity) else {
                throw invalid("severity '\(severity)' is not one of low, medium, high, critical")
            }
            query.minSeverity = parsed
        }
        query.since = try since.map { text throws(HubError) in try Self.date(text, "since") }
        query.until = try until.map { text throws(HubError) in try Self.date(text, "until") }
        guard (1...AuditQuery.maximumLimit).contains(limit) else {
            throw invalid("limit must be between 1 and \(AuditQuery.maximumLimit)")
        }
        return query
    }

    private static func date(_ text: String, _ name: String) throws(HubError) -> Date {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = ISO8601DateFormatter().date(from: text) ?? withFraction.date(from: text) { return date }
        throw HubError(.invalidInput, "\(name) '\(text)' is not an RFC 3339 time like 2026-11-28T00:00:00Z", stage: .validate)
    }

    /// From `GET /events?provider=…&limit=…`.
    static func parse(_ parameters: [String: String]) throws(HubError) -> EventFilters {
        let known: Set<String> = ["provider", "tool", "caller", "status", "severity", "since", "until", "limit", "cursor"]
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw HubError(.invalidInput, "unknown filter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))", stage: .validate)
        }
        var limit = AuditQuery.defaultLimit
        if let text = parameters["limit"] {
            guard let parsed = Int(text) else { throw HubError(.invalidInput, "limit '\(text)' is not a number", stage: .validate) }
            limit = parsed
        }
        return EventFilters(
            provider: parameters["provider"], tool: parameters["tool"], caller: parameters["caller"],
            status: parameters["status"], severity: parameters["severity"], since: parameters["since"],
            until: parameters["until"], limit: limit, cursor: parameters["cursor"])
    }
}

/// Renders stored events for the CLI and the HTTP API.
enum EventRendering {
    static func json(_ page: AuditPage) -> JSONValue {
        .object([
            "events": .array(page.events.map(json)),
            "next_cursor": page.nextCursor.map { .string($0) } ?? .null,
        ])
    }

    static func json(_ stored: StoredAuditEvent) -> JSONValue {
        let event = stored.event
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func embedded(_ value: String?) -> JSONValue { value.flatMap { try? JSONValue.parse($0) } ?? .null }
        return .object([
            "id": .string(event.id.uuidString.lowercased()), "request_id": .string(event.requestId),
            "provider": .string(event.provider), "tool": .string(event.tool), "caller_id": text(event.callerId),
            "caller_role": .string(event.callerRole), "team": text(event.team), "status": .string(event.status.rawValue),
            "stage": text(event.stage), "payload": embedded(event.payload), "result": embedded(event.result),
            "error": text(event.error), "duration_ms": .number(Double(event.durationMs)), "hostname": text(event.hostname),
            "severity": text(event.severity), "created_at": .string(ISO8601DateFormatter().string(from: event.createdAt)),
            "seq": .number(Double(stored.seq)), "prev_hash": .string(stored.prevHash), "row_hash": .string(stored.rowHash),
        ])
    }

    static func table(_ page: AuditPage) -> String {
        var lines = ["created_at            status        provider.tool               caller                                role          ms  error"]
        for stored in page.events {
            let e = stored.event
            let when = ISO8601DateFormatter().string(from: e.createdAt)
            lines.append([
                when.padding(toLength: 22, withPad: " ", startingAt: 0),
                e.status.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0),
                "\(e.provider).\(e.tool)".padding(toLength: 28, withPad: " ", startingAt: 0),
                (e.callerId ?? "-").padding(toLength: 38, withPad: " ", startingAt: 0),
                e.callerRole.padding(toLength: 12, withPad: " ", startingAt: 0),
                String(e.durationMs).leftPadded(5), e.error ?? "",
            ].joined(separator: " "))
        }
        if let cursor = page.nextCursor { lines.append("more: --cursor \(cursor)") }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// `mcp-hub events`: the local operator reads the store directly, as an admin would.
public enum HubEvents {
    public static func list(configPath: String, filters: EventFilters, json: Bool) async throws -> String {
        let config = try ConfigLoader.load(path: configPath)
        let query = try filters.query()
        let store = try AuditStores.open(config.hub.audit)
        let page: AuditPage
        do {
            page = try await store.query(query, as: .localOperator)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return json ? EventRendering.json(page).serialized : EventRendering.table(page)
    }
}

/// `mcp-hub audit verify`.
public enum HubAuditCommands {
    public struct Report: Sendable {
        public let text: String
        public let intact: Bool
    }

    public static func verify(configPath: String) async throws -> Report {
        let config = try ConfigLoader.load(path: configPath)
        let store = try AuditStores.open(config.hub.audit)
        let report = try await store.verify()
        await store.close()
        if let broken = report.firstBreak {
            // `rows` counts the broken row too: the intact prefix is one shorter.
            return Report(text: "audit chain BROKEN after \(report.rows - 1) intact rows: \(broken)", intact: false)
        }
        return Report(text: "audit chain intact: \(report.rows) rows verified", intact: true)
    }
}

extension HubRuntime {
    /// `GET /events`: viewers see their own events, admins all (enforced by the store).
    func events(_ filters: EventFilters, for caller: Caller) async throws -> JSONValue {
        let query = try filters.query()
        do {
            return EventRendering.json(try await audit.query(query, as: AuditViewer(callerId: caller.id, role: caller.role)))
        } catch let error as AuditStoreError {
            throw error.hubError
        }
    }
}

extension AuditStoreError {
    /// What a reader of the trail is told: their own mistakes are 400, an unreachable database
    /// is 503 (events are still being recorded, to the spool), anything else a server fault.
    var hubError: HubError {
        switch self {
        case .invalidCursor(let cursor):
            HubError(.invalidInput, "cursor '\(cursor)' was not issued by this hub", stage: .validate)
        case .invalidUUID(let field, let value):
            HubError(.invalidInput, "\(field) '\(LogText.escaped(value))' is not a uuid", stage: .validate)
        case .invalidSeverity(let value):
            HubError(.invalidInput, "severity '\(LogText.escaped(value))' is not low, medium, high or critical", stage: .validate)
        case .unavailable:
            HubError(
                .unavailable, "the audit database is unreachable; events are being spooled and will be queryable when it returns",
                stage: .audit, reason: description, headers: [(name: "Retry-After", value: "5")])
        case .closed, .invalidJSON, .schemaMissing, .database:
            HubError(.internal, "the audit trail could not be read", stage: .audit, reason: description)
        }
    }
}
