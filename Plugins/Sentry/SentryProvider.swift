// Sentry: list an organisation's issues (REST API, auth token) and capture an error event
// (ingest API, DSN). The two need different credentials: an auth token cannot ingest and a DSN
// cannot read, so the provider asks the vault for both, each only when the tool needs it.
import Foundation
import ProviderSDK

final class SentryProvider: Provider {
    static let name = "sentry"
    static let version = "1.1.0"
    static let secrets = ["sentry_auth_token", "sentry_dsn"]
    /// The ingest host comes from the DSN at call time, so the manifest declares the patterns it
    /// may take; the hub checks these against `allowed_hosts` at load and the real host per request.
    static let hosts = ["sentry.io", "*.ingest.sentry.io", "*.ingest.us.sentry.io"]

    struct Settings: Decodable {
        var org_slug: String?
    }

    private let rest: SentryREST

    init(settings: ProviderSettings) throws {
        let orgSlug = try settings.decode(Settings.self).org_slug ?? ""
        guard orgSlug.isSlug else {
            throw ProviderError.invalidInput("sentry: settings.org_slug is required (letters, digits, '.', '_', '-')")
        }
        rest = SentryREST(orgSlug: orgSlug)
    }

    var tools: [Tool] {
        [
            Tool(
                "issues.list", category: .reads,
                description: "The organisation's Sentry issues matching a search query, newest activity first.",
                inputSchema: IssuesList.schema, title: "List Sentry issues",
                hints: [.readOnly, .idempotent, .openWorld]
            ) { [rest] (input: IssuesList.Input, call: Call) in try IssuesList(rest: rest).run(input, call) },
            Tool(
                "capture.error", category: .writes,
                description: "Sends an error event to the Sentry project of the configured DSN; returns its event_id.",
                inputSchema: CaptureError.schema, title: "Report an error to Sentry",
                hints: [.openWorld]  // adds an event; destroys nothing
            ) { (input: CaptureError.Input, call: Call) in try CaptureError().run(input, call) },
        ]
    }

    /// `GET /api/0/` always answers 200; a non-null `auth` is Sentry's word that the token is valid.
    func health(_ call: Call) throws -> HealthStatus {
        let response: HTTPResponse
        do {
            response = try rest.send(path: "/", query: [], call: call).response
        } catch {
            return HealthStatus(status: .down, error: "sentry: \(error.message)")
        }
        switch response.status {
        case 200..<300:
            guard let root = try? JSONDecoder().decode(SentryAPIRoot.self, from: Data(response.body)) else {
                return HealthStatus(status: .down, error: "sentry: unreadable answer from /api/0/")
            }
            guard root.auth != nil else { return HealthStatus(status: .down, error: "sentry: token rejected") }
            // The REST side works; capture.error also needs a usable DSN, which costs nothing to check.
            do {
                _ = try SentryDSN(try call.getVaultSecret("sentry_dsn"))
            } catch {
                return HealthStatus(status: .degraded, error: "\(error.message) (capture.error unavailable)")
            }
            return HealthStatus(status: .ok)
        case 401, 403:
            return HealthStatus(status: .down, error: "sentry: token rejected")
        case 429:
            return HealthStatus(status: .degraded, error: "sentry: rate limited")
        default:
            return HealthStatus(status: .down, error: "sentry: HTTP \(response.status)")
        }
    }
}

// MARK: - issues.list

struct IssuesList {
    static let schema = #"""
        {"type":"object","additionalProperties":false,
         "properties":{
           "query":{"type":"string","maxLength":1024,"default":"is:unresolved","description":"Sentry search query"},
           "statsPeriod":{"type":"string","pattern":"^[0-9]+[smhdw]$","maxLength":8,"examples":["24h","14d"]},
           "project":{"type":"integer","minimum":-1,"description":"Numeric project id; -1 means all projects"},
           "limit":{"type":"integer","minimum":1,"maximum":100,"default":25},
           "cursor":{"type":"string","maxLength":64,"pattern":"^[0-9.:-]+$","description":"next_cursor of a previous answer"}}}
        """#

    struct Input: Decodable {
        var query: String?
        var statsPeriod: String?
        var project: Int?
        var limit: Int?
        var cursor: String?
    }

    struct Output: Encodable {
        var items: [Item]
        var next_cursor: String?
        var max_severity: MaxSeverity

        // Explicit so `next_cursor` is written as null rather than left out.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(next_cursor, forKey: .next_cursor)
            try container.encode(max_severity, forKey: .max_severity)
        }
        enum CodingKeys: String, CodingKey { case items, next_cursor, max_severity }
    }

    struct Item: Encodable {
        var id: String
        var shortId: String?
        var title: String?
        var culprit: String?
        var permalink: String?
        var level: String?
        var status: String?
        var platform: String?
        var project: String?
        var count: Int
        var userCount: Int?
        var firstSeen: String?
        var lastSeen: String?
    }

    let rest: SentryREST

    func run(_ input: Input, _ call: Call) throws -> Output {
        var query: [(String, String)] = [
            ("query", input.query ?? "is:unresolved"), ("limit", String(min(max(input.limit ?? 25, 1), 100))),
        ]
        if let period = input.statsPeriod { query.append(("statsPeriod", period)) }
        if let project = input.project { query.append(("project", String(project))) }
        if let cursor = input.cursor { query.append(("cursor", cursor)) }

        let response = try rest.get(path: "/organizations/\(rest.orgSlug)/issues/", query: query, call: call)
        let issues: [SentryIssue]
        do {
            issues = try JSONDecoder().decode([SentryIssue].self, from: Data(response.body))
        } catch {
            throw ProviderError.upstream("sentry: unreadable issue list (HTTP \(response.status))")
        }
        let items = issues.map(Self.trim)
        let severities = issues.compactMap { Severity(sentryLevel: $0.level) }
        return Output(
            items: items, next_cursor: SentryLink.nextCursor(response.header("link")),
            max_severity: MaxSeverity(of: severities))
    }

    private static func trim(_ issue: SentryIssue) -> Item {
        Item(
            id: issue.id, shortId: issue.shortId, title: issue.title, culprit: issue.culprit,
            permalink: issue.permalink, level: issue.level, status: issue.status, platform: issue.platform,
            project: issue.project?.slug, count: issue.count?.value ?? 0, userCount: issue.userCount?.value,
            firstSeen: issue.firstSeen, lastSeen: issue.lastSeen)
    }
}

// MARK: - capture.error

struct CaptureError {
    static let schema = #"""
        {"type":"object","additionalProperties":false,"required":["message"],
         "properties":{
           "message":{"type":"string","minLength":1,"maxLength":8192},
           "level":{"type":"string","enum":["fatal","error","warning","info","debug"],"default":"error"},
           "tags":{"type":"object","additionalProperties":{"type":"string","maxLength":200},
                   "description":"At most 50 tags; keys up to 32 characters"},
           "environment":{"type":"string","minLength":1,"maxLength":64,"pattern":"^[^/\\r\\n]+$"}}}
        """#

    struct Input: Decodable {
        var message: String
        var level: String?
        var tags: [String: String]?
        var environment: String?
    }

    struct Output: Encodable {
        var event_id: String
    }

    func run(_ input: Input, _ call: Call) throws -> Output {
        try Self.checkTags(input.tags)
        let dsn = try SentryDSN(try call.getVaultSecret("sentry_dsn"))
        let envelope = SentryEnvelope(
            message: input.message, level: input.level ?? "error", tags: input.tags, environment: input.environment)
        let response = try call.fetch(
            HTTPRequest(
                method: "POST", url: dsn.envelopeURL,
                headers: [
                    ("X-Sentry-Auth", "Sentry sentry_key=\(dsn.publicKey), sentry_version=7, sentry_client=mcp-hub/1.0"),
                    ("Content-Type", "application/x-sentry-envelope"),
                ],
                body: try envelope.bytes()))
        guard (200..<300).contains(response.status) else {
            throw SentryErrors.error(from: response).redacting(dsn.publicKey)
        }
        let accepted = try? JSONDecoder().decode(SentryIngestReply.self, from: Data(response.body))
        return Output(event_id: accepted?.id ?? envelope.eventID)
    }

    /// Sentry's own limits that JSON Schema (without propertyNames) cannot state.
    private static func checkTags(_ tags: [String: String]?) throws {
        guard let tags else { return }
        guard tags.count <= 50 else { throw ProviderError.invalidInput("capture.error: at most 50 tags") }
        for key in tags.keys where key.isEmpty || key.count > 32 || key.contains(where: \.isNewline) {
            throw ProviderError.invalidInput("capture.error: tag keys must be 1…32 characters on one line")
        }
    }
}

/// `https://<public_key>@o123.ingest.us.sentry.io/<project_id>`, taken apart. A DSN pointing
/// anywhere but Sentry's ingest is refused: it would turn capture.error into an exfiltration path.
struct SentryDSN {
    let publicKey: String
    let host: String
    let projectID: String

    init(_ text: String) throws(ProviderError) {
        // Never quote the DSN in an error: the public key is a credential of sorts.
        let invalid = ProviderError.unavailable("sentry: the vault's sentry_dsn is not a valid Sentry DSN")
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            url.scheme?.lowercased() == "https", url.port == nil,
            let key = url.user, !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
            let host = url.host?.lowercased(), !host.isEmpty,
            let project = url.path.split(separator: "/").last.map(String.init),
            !project.isEmpty, project.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw invalid }
        let hostCharacters = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        guard host.hasSuffix(".sentry.io"), hostCharacters else { throw .denied("sentry: the DSN's host is not a sentry.io ingest host") }
        publicKey = key
        self.host = host
        projectID = project
    }

    var envelopeURL: String { "https://\(host)/api/\(projectID)/envelope/" }
}

/// The envelope Sentry's SDKs send: an envelope header, an item header, the event, one per line.
struct SentryEnvelope {
    let eventID: String
    let sentAt: Date
    let message: String
    let level: String
    let tags: [String: String]?
    let environment: String?

    init(message: String, level: String, tags: [String: String]?, environment: String?, now: Date = Date()) {
        eventID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        sentAt = now
        self.message = message
        self.level = level
        self.tags = tags
        self.environment = environment
    }

    struct Header: Encodable {
        var event_id: String
        var sent_at: String
    }

    struct ItemHeader: Encodable {
        var type = "event"
        var content_type = "application/json"
        var length: Int
    }

    struct Event: Encodable {
        struct SDK: Encodable {
            var name = "mcp-hub"
            var version = "1.0"
        }
        var event_id: String
        var timestamp: Double
        var platform = "other"
        var logger = "mcp-hub"
        var level: String
        var message: String
        var tags: [String: String]?
        var environment: String?
        var sdk = SDK()
    }

    func bytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let event = try encoder.encode(
            Event(
                event_id: eventID, timestamp: sentAt.timeIntervalSince1970, level: level, message: message, tags: tags,
                environment: environment))
        let header = try encoder.encode(Header(event_id: eventID, sent_at: Self.timestamp(sentAt)))
        let itemHeader = try encoder.encode(ItemHeader(length: event.count))
        // JSONEncoder never emits a raw newline, so each part stays on its own line.
        return Array(header) + [0x0A] + Array(itemHeader) + [0x0A] + Array(event) + [0x0A]
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

// MARK: - HTTP

/// Sentry's REST API: base URL, bearer token and error shape.
struct SentryREST: Sendable {
    static let base = "https://sentry.io/api/0"
    let orgSlug: String

    func get(path: String, query: [(String, String)], call: Call) throws -> HTTPResponse {
        let (response, token) = try send(path: path, query: query, call: call)
        guard (200..<300).contains(response.status) else { throw SentryErrors.error(from: response).redacting(token) }
        return response
    }

    func send(
        path: String, query: [(String, String)], call: Call
    ) throws(ProviderError) -> (response: HTTPResponse, token: String) {
        let token = try call.getVaultSecret("sentry_auth_token")
        let response = try call.fetch(
            HTTPRequest(
                url: Self.base + path + QueryString.encode(query),
                headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]))
        return (response, token)
    }
}

/// Sentry's errors: `{"detail":"…"}` or `{"detail":{"code":…,"message":…}}` (REST and Relay alike).
enum SentryErrors {
    static func error(from response: HTTPResponse) -> ProviderError {
        let body = try? JSONDecoder().decode(SentryErrorBody.self, from: Data(response.body))
        let said = body?.detail?.text.map { " \($0.clipped)" } ?? ""
        let text = "sentry: \(response.status)\(said)"
        return .upstream(response, message: text, retryAfter: retryAfter(response))
    }

    /// Relay sends Retry-After; the REST API sends only X-Sentry-Rate-Limit-Reset (epoch seconds).
    private static func retryAfter(_ response: HTTPResponse) -> String? {
        if let after = response.header("retry-after") { return after }
        if let reset = response.header("x-sentry-rate-limit-reset").flatMap(Double.init) {
            return String(max(0, Int((reset - Date().timeIntervalSince1970).rounded(.up))))
        }
        return nil
    }
}

/// Sentry paginates with a Link header that always carries both rels; `results="true"` says
/// whether following one returns anything.
enum SentryLink {
    static func nextCursor(_ header: String?) -> String? {
        guard let header else { return nil }
        for link in header.split(separator: "<").dropFirst() {
            guard let close = link.firstIndex(of: ">") else { continue }
            var parameters: [String: String] = [:]
            for part in link[link.index(after: close)...].split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let name = pair[0].trimmingCharacters(in: .whitespaces)
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,\""))
                parameters[name] = value
            }
            if parameters["rel"] == "next" {
                return parameters["results"] == "true" ? parameters["cursor"] : nil
            }
        }
        return nil
    }
}

// MARK: - Sentry's wire types (only the fields we read)

struct SentryAPIRoot: Decodable {
    struct Auth: Decodable {}
    var auth: Auth?
}

struct SentryIngestReply: Decodable {
    var id: String?
}

struct SentryIssue: Decodable {
    struct Project: Decodable { var slug: String? }
    var id: String
    var shortId: String?
    var title: String?
    var culprit: String?
    var permalink: String?
    var level: String?
    var status: String?
    var platform: String?
    var project: Project?
    var count: LenientInt?
    var userCount: LenientInt?
    var firstSeen: String?
    var lastSeen: String?
}

/// Sentry sends `count` as a string ("150") and `userCount` as a number; read either.
struct LenientInt: Decodable {
    let value: Int

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int(text) {
            value = number
        } else {
            value = 0
        }
    }
}

struct SentryErrorBody: Decodable {
    enum Detail: Decodable {
        case text(String)
        case structured(code: String?, message: String?)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                let object = try container.decode(Structured.self)
                self = .structured(code: object.code, message: object.message)
            }
        }

        private struct Structured: Decodable {
            var code: String?
            var message: String?
        }

        var text: String? {
            switch self {
            case .text(let text): text
            case .structured(let code?, let message?): "\(code): \(message)"
            case .structured(let code, let message): message ?? code
            }
        }
    }
    var detail: Detail?
}

// MARK: - Severity

extension Severity {
    /// Sentry levels onto the hub's scale: fatal→critical, error→high, warning→medium, else low.
    init?(sentryLevel: String?) {
        switch sentryLevel?.lowercased() {
        case "fatal": self = .critical
        case "error": self = .high
        case "warning": self = .medium
        case .some: self = .low
        case nil: return nil
        }
    }
}

// MARK: - Small helpers

extension String {
    var isSlug: Bool {
        !isEmpty && count <= 128 && allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

// The one export: the hub calls this C symbol when it loads the library.
@_cdecl("hub_provider_init")
public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
    ProviderExport.initialize(SentryProvider.self, host, load, settings, out)
}
