// Netdata Cloud: metric queries and raised alerts for one room of one space. Only the Cloud API
// (`app.netdata.cloud`, `/api/v2` and `/api/v3`) is used; the agent's `/api/v1` paths answer an
// HTML 404 on Cloud.
import Foundation
import ProviderSDK

final class NetdataProvider: Provider {
    static let name = "netdata"
    static let version = "1.1.0"
    static let secrets = ["netdata_token"]
    static let hosts = ["app.netdata.cloud"]

    struct Settings: Decodable {
        var space_id: String?
        var room_id: String?
    }

    private let cloud: NetdataCloud

    init(settings: ProviderSettings) throws {
        let decoded = try settings.decode(Settings.self)
        // Both go into URL paths: accept ids, never anything that could change the path.
        guard let space = decoded.space_id, space.isIdentifier, let room = decoded.room_id, room.isIdentifier else {
            throw ProviderError.invalidInput("netdata: settings.space_id and settings.room_id are required (ids)")
        }
        cloud = NetdataCloud(spaceID: space, roomID: room)
    }

    var tools: [Tool] {
        [
            Tool(
                "metrics.query", category: .reads,
                description: "Time series of one metric context (e.g. system.cpu) across the room's nodes.",
                inputSchema: MetricsQuery.schema, title: "Query a metric",
                hints: [.readOnly, .idempotent, .openWorld]
            ) { [cloud] (input: MetricsQuery.Input, call: Call) in try MetricsQuery(cloud: cloud).run(input, call) },
            Tool(
                "alerts.list", category: .reads,
                description: "Alert instances in the room with their status and current value.",
                inputSchema: AlertsList.schema, title: "List Netdata alerts",
                hints: [.readOnly, .idempotent, .openWorld]
            ) { [cloud] (input: AlertsList.Input, call: Call) in try AlertsList(cloud: cloud).run(input, call) },
        ]
    }

    /// `GET /api/v2/spaces` needs only a valid token and lists a handful of spaces: a cheap probe.
    func health(_ call: Call) throws -> HealthStatus {
        let response: HTTPResponse
        do {
            response = try cloud.send(method: "GET", path: "/api/v2/spaces", body: nil, call: call).response
        } catch {
            return HealthStatus(status: .down, error: "netdata: \(error.message)")
        }
        switch response.status {
        case 200..<300: return roomHealth(call)
        case 401, 403: return HealthStatus(status: .down, error: "netdata: token rejected")
        case 429: return HealthStatus(status: .degraded, error: "netdata: rate limited")
        default: return HealthStatus(status: .down, error: "netdata: HTTP \(response.status)")
        }
    }

    /// A valid token is not enough: every tool reads the configured space and room, so health is
    /// `down` when the token cannot see them (the tools would all fail).
    private func roomHealth(_ call: Call) -> HealthStatus {
        let response: HTTPResponse
        do {
            response = try cloud.send(method: "GET", path: "/api/v2/spaces/\(cloud.spaceID)/rooms", body: nil, call: call).response
        } catch {
            return HealthStatus(status: .down, error: "netdata: \(error.message)")
        }
        switch response.status {
        case 200..<300:
            let rooms = (try? JSONDecoder().decode([RoomEntry].self, from: Data(response.body))) ?? []
            guard rooms.contains(where: { $0.id == cloud.roomID }) else {
                return HealthStatus(status: .down, error: "netdata: room \(cloud.roomID) is not in space \(cloud.spaceID) or not visible to this token")
            }
            return HealthStatus(status: .ok)
        case 401, 403, 404:
            return HealthStatus(status: .down, error: "netdata: space \(cloud.spaceID) is not accessible with this token (HTTP \(response.status))")
        case 429: return HealthStatus(status: .degraded, error: "netdata: rate limited")
        default: return HealthStatus(status: .down, error: "netdata: HTTP \(response.status) listing the rooms of space \(cloud.spaceID)")
        }
    }

    private struct RoomEntry: Decodable { var id: String }
}

// MARK: - metrics.query

struct MetricsQuery {
    static let schema = #"""
        {"type":"object","additionalProperties":false,"required":["context"],
         "properties":{
           "context":{"type":"string","minLength":1,"maxLength":200,"pattern":"^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
                      "examples":["system.cpu","disk.io"]},
           "after":{"type":"integer","minimum":-31536000,"maximum":-1,"default":-600,
                    "description":"Start of the window, seconds relative to now (negative)"},
           "points":{"type":"integer","minimum":1,"maximum":500,"default":60},
           "group_by":{"type":"string","enum":["selected","dimension","instance","node","context","units"],
                       "default":"dimension"},
           "aggregation":{"type":"string","enum":["sum","min","max","avg","percentage","extremes"],"default":"avg"}}}
        """#

    struct Input: Decodable {
        var context: String
        var after: Int?
        var points: Int?
        var group_by: String?
        var aggregation: String?
    }

    struct Output: Encodable {
        var context: String
        var after: Int
        var units: String?
        /// Column names: "time" first, then one per series.
        var labels: [String]
        /// One row per point, oldest first: the unix time, then one value (or null) per series.
        var data: [[Double?]]
    }

    let cloud: NetdataCloud

    func run(_ input: Input, _ call: Call) throws -> Output {
        let after = min(input.after ?? -600, -1)
        let request = DataRequest(
            context: input.context, after: after, points: min(max(input.points ?? 60, 1), 500),
            groupBy: input.group_by ?? "dimension", aggregation: input.aggregation ?? "avg",
            timeoutMs: Self.upstreamTimeout(call))
        let response = try cloud.post("/api/v3/spaces/\(cloud.spaceID)/rooms/\(cloud.roomID)/data", request, call)
        let answer: DataAnswer
        do {
            answer = try JSONDecoder().decode(DataAnswer.self, from: Data(response.body))
        } catch {
            throw ProviderError.upstream("netdata: unreadable data answer (HTTP \(response.status))")
        }
        let valueIndex = answer.result.point?.value ?? 0
        let rows = (answer.result.data ?? []).compactMap { Self.row($0, valueIndex: valueIndex) }
        return Output(
            context: input.context, after: after, units: answer.view?.units?.joinedText,
            labels: answer.result.labels ?? [], data: rows.sorted { Self.time($0) < Self.time($1) })
    }

    private static func time(_ row: [Double?]) -> Double { row.first.flatMap { $0 } ?? 0 }

    /// json2 rows are `[time, [value, arp, pa], …]`; `point.value` says where the value sits.
    private static func row(_ raw: [JSONValue], valueIndex: Int) -> [Double?]? {
        guard let time = raw.first?.number else { return nil }
        return [time] + raw.dropFirst().map { cell in
            switch cell {
            case .array(let parts): parts.indices.contains(valueIndex) ? parts[valueIndex].number : nil
            default: cell.number
            }
        }
    }

    /// Ask Netdata to give up before our own deadline does, so a slow query reports its own error.
    private static func upstreamTimeout(_ call: Call) -> Int {
        guard let remaining = call.remaining else { return 30_000 }
        let milliseconds = Int(remaining.components.seconds * 1000) - 1000
        return min(max(milliseconds, 1000), 30_000)
    }

    /// The json2 query body; `scope.contexts` is mandatory for Cloud.
    struct DataRequest: Encodable {
        struct Scope: Encodable { var contexts: [String] }
        struct Selectors: Encodable {
            var nodes = ["*"], contexts = ["*"], instances = ["*"], dimensions = ["*"], labels = ["*"], alerts = ["*"]
        }
        struct Window: Encodable {
            var after: Int
            var before = 0
            var points: Int
        }
        struct Aggregations: Encodable {
            struct Metric: Encodable {
                var group_by: [String]
                var aggregation: String
            }
            struct Time: Encodable { var time_group = "average" }
            var metrics: [Metric]
            var time = Time()
        }

        var scope: Scope
        var selectors = Selectors()
        var window: Window
        var aggregations: Aggregations
        var format = "json2"
        var options = ["jsonwrap", "minify", "unaligned"]
        var timeout: Int

        init(context: String, after: Int, points: Int, groupBy: String, aggregation: String, timeoutMs: Int) {
            scope = Scope(contexts: [context])
            window = Window(after: after, points: points)
            aggregations = Aggregations(metrics: [.init(group_by: [groupBy], aggregation: aggregation)])
            timeout = timeoutMs
        }
    }

    struct DataAnswer: Decodable {
        struct Result: Decodable {
            struct Point: Decodable { var value: Int? }
            var labels: [String]?
            var point: Point?
            var data: [[JSONValue]]?
        }
        struct View: Decodable { var units: JSONValue? }
        var result: Result
        var view: View?
    }
}

// MARK: - alerts.list

struct AlertsList {
    static let schema = #"""
        {"type":"object","additionalProperties":false,
         "properties":{
           "status":{"type":"array","minItems":1,"maxItems":3,
                     "items":{"type":"string","enum":["WARNING","CRITICAL","CLEAR"]},
                     "description":"Only these statuses; default all"},
           "limit":{"type":"integer","minimum":1,"maximum":500,"default":200}}}
        """#

    struct Input: Decodable {
        var status: [String]?
        var limit: Int?
    }

    struct Output: Encodable {
        var alerts: [Alert]
        var counts: Counts
        var truncated: Bool
        var max_severity: MaxSeverity
    }

    struct Alert: Encodable {
        var name: String?
        var context: String?
        var chart: String?
        var node: String?
        var status: String?
        var value: Double?
        var units: String?
        var time: Int?
    }

    struct Counts: Encodable {
        var critical = 0
        var warning = 0
        var clear = 0
    }

    let cloud: NetdataCloud

    func run(_ input: Input, _ call: Call) throws -> Output {
        let response = try cloud.post(
            "/api/v2/spaces/\(cloud.spaceID)/rooms/\(cloud.roomID)/alerts", AlertsRequest(), call)
        let answer: AlertsAnswer
        do {
            answer = try JSONDecoder().decode(AlertsAnswer.self, from: Data(response.body))
        } catch {
            throw ProviderError.upstream("netdata: unreadable alerts answer (HTTP \(response.status))")
        }
        let wanted = Set(input.status ?? ["WARNING", "CRITICAL", "CLEAR"])
        let nodeNames = answer.nodeNames
        let matching = (answer.alert_instances ?? []).filter { wanted.contains($0.st?.uppercased() ?? "") }
        // Worst first, so a limit keeps what matters.
        let ordered = matching.sorted { Self.rank($0.st) > Self.rank($1.st) }
        let limit = min(max(input.limit ?? 200, 1), 500)

        var counts = Counts()
        for instance in matching {
            switch instance.st?.uppercased() {
            case "CRITICAL": counts.critical += 1
            case "WARNING": counts.warning += 1
            case "CLEAR": counts.clear += 1
            default: break
            }
        }
        let worst: Severity? = counts.critical > 0 ? .critical : counts.warning > 0 ? .medium : nil
        let alerts = ordered.prefix(limit).map { instance in
            Alert(
                name: instance.nm, context: instance.ctx, chart: instance.ch, node: instance.ni.flatMap { nodeNames[$0] },
                status: instance.st, value: instance.v, units: instance.units, time: instance.t)
        }
        return Output(
            alerts: Array(alerts), counts: counts, truncated: matching.count > limit, max_severity: MaxSeverity(worst))
    }

    private static func rank(_ status: String?) -> Int {
        switch status?.uppercased() {
        case "CRITICAL": 2
        case "WARNING": 1
        default: 0
        }
    }

    struct AlertsRequest: Encodable {
        var options = ["instances", "values", "summary"]
    }

    struct AlertsAnswer: Decodable {
        struct Instance: Decodable {
            var nm: String?
            var ctx: String?
            var ch: String?
            var st: String?
            var v: Double?
            var t: Int?
            var units: String?
            var ni: Int?
        }
        struct Node: Decodable {
            var ni: Int?
            var nm: String?
        }
        var alert_instances: [Instance]?
        var nodes: [Node]?

        /// Instances name their node by `ni`; nodes carry it too, or are listed in `ni` order.
        var nodeNames: [Int: String] {
            var names: [Int: String] = [:]
            for (index, node) in (nodes ?? []).enumerated() { names[node.ni ?? index] = node.nm }
            return names
        }
    }
}

// MARK: - HTTP

/// Netdata Cloud: base URL, bearer token and the two error shapes (JSON, or HTML for a wrong path).
struct NetdataCloud: Sendable {
    static let base = "https://app.netdata.cloud"
    let spaceID: String
    let roomID: String

    func post(_ path: String, _ body: some Encodable, _ call: Call) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(body))
        let (response, token) = try send(method: "POST", path: path, body: bytes, call: call)
        guard (200..<300).contains(response.status) else { throw NetdataErrors.error(from: response).redacting(token) }
        return response
    }

    func send(
        method: String, path: String, body: [UInt8]?, call: Call
    ) throws(ProviderError) -> (response: HTTPResponse, token: String) {
        let token = try call.getVaultSecret("netdata_token")
        var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try call.fetch(
            HTTPRequest(method: method, url: Self.base + path, headers: headers, body: body ?? []))
        return (response, token)
    }
}

enum NetdataErrors {
    static func error(from response: HTTPResponse) -> ProviderError {
        let status = response.status
        guard !isHTML(response) else {
            // Cloud answers unknown paths with its web app's HTML page: never echo that.
            return status == 404
                ? .upstream("netdata: 404 (not a Netdata API path)")
                : .upstream(response, message: "netdata: \(status) (non-JSON answer)")
        }
        let body = try? JSONDecoder().decode(NetdataErrorBody.self, from: Data(response.body))
        let said = [body?.errorMsgKey, body?.errorMessage].compactMap { $0?.clipped }.joined(separator: ": ")
        let text = "netdata: \(status)" + (said.isEmpty ? "" : " \(said)")
        return .upstream(response, message: text)
    }

    private static func isHTML(_ response: HTTPResponse) -> Bool {
        if response.header("content-type")?.lowercased().contains("html") == true { return true }
        let start = response.body.prefix(64).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return start.first == UInt8(ascii: "<")
    }
}

struct NetdataErrorBody: Decodable {
    var errorMsgKey: String?
    var errorMessage: String?
}

// MARK: - Small helpers

/// Just enough of JSON to read json2 rows, whose cells mix numbers, nulls and arrays.
enum JSONValue: Decodable {
    case number(Double), string(String), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// `view.units` is a string, or an array when series differ in units.
    var joinedText: String? {
        switch self {
        case .string(let text): text
        case .array(let items):
            Array(Set(items.compactMap { if case .string(let text) = $0 { text } else { nil } })).sorted()
                .joined(separator: ", ")
        default: nil
        }
    }
}

extension String {
    /// Space and room ids are UUIDs; allow slug-like ids too, but nothing that changes a path.
    var isIdentifier: Bool {
        !isEmpty && count <= 64 && allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}

// The one export: the hub calls this C symbol when it loads the library.
@_cdecl("hub_provider_init")
public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
    ProviderExport.initialize(NetdataProvider.self, host, load, settings, out)
}
