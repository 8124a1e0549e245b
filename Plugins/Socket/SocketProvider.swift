// Socket.dev supply-chain findings: the latest full scan of a repository, and the organisation's
// alert list. Everything goes through `Call`: the key comes from the vault on every call (so a
// rotated key is picked up without a reload) and every request passes the hub's egress checks.
import Foundation
import ProviderSDK

final class SocketProvider: Provider {
    static let name = "socket"
    static let version = "1.1.0"
    static let secrets = ["socket_api_key"]
    static let hosts = ["api.socket.dev"]

    struct Settings: Decodable {
        var org_slug: String?
    }

    private let api: SocketAPI

    init(settings: ProviderSettings) throws {
        let orgSlug = try settings.decode(Settings.self).org_slug ?? ""
        // The slug goes into URL paths: accept only what Socket itself allows in a slug.
        guard orgSlug.isSlug else {
            throw ProviderError.invalidInput("socket: settings.org_slug is required (letters, digits, '.', '_', '-')")
        }
        api = SocketAPI(orgSlug: orgSlug)
    }

    var tools: [Tool] {
        [
            Tool(
                "scan.repo", category: .scans,
                description: "Findings of the latest Socket full scan of a repository branch, with counts per severity.",
                inputSchema: ScanRepo.schema, title: "Scan a repository's dependencies",
                hints: [.readOnly, .idempotent, .openWorld]
            ) { [api] (input: ScanRepo.Input, call: Call) in try ScanRepo(api: api).run(input, call) },
            Tool(
                "findings.list", category: .reads,
                description: "The organisation's Socket alerts, filtered by minimum severity, status and repository.",
                inputSchema: FindingsList.schema, title: "List supply-chain findings",
                hints: [.readOnly, .idempotent, .openWorld]
            ) { [api] (input: FindingsList.Input, call: Call) in try FindingsList(api: api).run(input, call) },
        ]
    }

    /// `GET /v0/quota` costs no quota and needs only a valid token, so it is the cheapest honest probe.
    func health(_ call: Call) throws -> HealthStatus {
        let response: HTTPResponse
        do {
            response = try api.send("/quota", call: call)
        } catch {
            // Transport failure or refusal: the host's words are safe to show.
            return HealthStatus(status: .down, error: "socket: \(error.message)")
        }
        switch response.status {
        case 200..<300:
            // Report only whether quota is left: the numbers describe the account, not the service.
            let quota = try? JSONDecoder().decode(SocketQuota.self, from: Data(response.body))
            if let remaining = quota?.quota, remaining <= 0 {
                return HealthStatus(status: .degraded, error: "socket: API quota exhausted until the next window")
            }
            return HealthStatus(status: .ok)
        case 401, 403:
            return HealthStatus(status: .down, error: "socket: token rejected")
        case 429:
            return HealthStatus(status: .degraded, error: "socket: rate limited")
        default:
            return HealthStatus(status: .down, error: "socket: HTTP \(response.status)")
        }
    }
}

// MARK: - scan.repo

/// Finds the newest full scan for a repository branch and turns its NDJSON artifacts into findings.
struct ScanRepo {
    static let schema = #"""
        {"type":"object","additionalProperties":false,"required":["repo"],
         "properties":{
           "repo":{"type":"string","description":"Socket repository slug, e.g. my-repo","minLength":1,"maxLength":128,
                   "pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},
           "ref":{"type":"string","description":"Branch name (alias of branch); default main","minLength":1,"maxLength":255,
                  "pattern":"^[A-Za-z0-9][A-Za-z0-9._/-]*$"},
           "branch":{"type":"string","description":"Branch name; default main","minLength":1,"maxLength":255,
                     "pattern":"^[A-Za-z0-9][A-Za-z0-9._/-]*$"}}}
        """#

    struct Input: Decodable {
        var repo: String
        var ref: String?
        var branch: String?
    }

    struct Output: Encodable {
        var scan_id: String
        var repo: String
        var branch: String
        var created_at: String?
        var html_report_url: String?
        var packages_scanned: Int
        var findings: [Finding]
        /// True when `findings` was cut at `ScanRepo.findingLimit`; counts still cover everything.
        var findings_truncated: Bool
        var counts: SeverityCounts
        var max_severity: MaxSeverity
    }

    struct Finding: Encodable {
        var package: Package
        var alert_type: String
        var severity: String
        var category: String?
        var action: String?
    }

    struct Package: Encodable {
        var type: String?
        var name: String
        var version: String?
    }

    /// Keeps results a size an agent and the audit row can hold.
    static let findingLimit = 1000
    /// 202 answers we wait through before telling the caller to come back later.
    static let maxPolls = 6

    let api: SocketAPI

    func run(_ input: Input, _ call: Call) throws -> Output {
        if let ref = input.ref, let branch = input.branch, ref != branch {
            throw ProviderError.invalidInput("scan.repo: give either ref or branch, not two different values")
        }
        let branch = input.ref ?? input.branch ?? "main"
        let scan = try latestScan(repo: input.repo, branch: branch, call)
        let artifacts = try readScan(id: scan.id, call)
        return summarise(scan: scan, artifacts: artifacts, repo: input.repo, branch: branch)
    }

    private func latestScan(repo: String, branch: String, _ call: Call) throws -> SocketScan {
        let response = try api.get(
            "/orgs/\(api.orgSlug)/full-scans",
            query: [
                ("repo", repo), ("branch", branch), ("per_page", "1"), ("sort", "created_at"), ("direction", "desc"),
            ],
            call: call)
        let list = try SocketJSON.decode(SocketScanList.self, from: response, what: "full scan list")
        guard let scan = list.results.first else {
            throw ProviderError.notFound("socket: no full scan for repo '\(repo)' on branch '\(branch)'")
        }
        return scan
    }

    /// `cached=true` makes Socket answer 202 while the scan is still being computed instead of
    /// holding the connection open; we poll while the call has time left.
    private func readScan(id: String, _ call: Call) throws -> [SocketArtifact] {
        let path = "/orgs/\(api.orgSlug)/full-scans/\(id.pathSegmentEscaped)"
        var pause = Duration.milliseconds(500)
        for _ in 0..<Self.maxPolls {
            let response = try api.get(path, query: [("cached", "true")], call: call)
            if response.status != 202 { return SocketNDJSON.artifacts(in: response.body) }
            // Wait only if there is time to wait and still ask again before the deadline.
            if let remaining = call.remaining, remaining < pause + .seconds(1) { break }
            try call.sleep(for: pause)
            pause = min(pause * 2, .seconds(4))
        }
        throw ProviderError.unavailable("socket: full scan \(id) is still processing; try again shortly")
    }

    private func summarise(scan: SocketScan, artifacts: [SocketArtifact], repo: String, branch: String) -> Output {
        var findings: [Finding] = []
        var counts = SeverityCounts()
        var truncated = false
        for artifact in artifacts {
            let package = Package(type: artifact.type, name: artifact.qualifiedName, version: artifact.version)
            for alert in artifact.alerts ?? [] {
                let severity = Severity(socket: alert.severity)
                counts.add(severity)
                guard findings.count < Self.findingLimit else {
                    truncated = true
                    continue
                }
                findings.append(
                    Finding(
                        package: package, alert_type: alert.type ?? "unknown",
                        severity: severity?.rawValue ?? (alert.severity ?? "unknown"),
                        category: alert.category, action: alert.action))
            }
        }
        // Worst first: what an agent or a reviewer should read first.
        findings.sort { (Severity(rawValue: $0.severity)?.rank ?? -1) > (Severity(rawValue: $1.severity)?.rank ?? -1) }
        return Output(
            scan_id: scan.id, repo: scan.repo ?? scan.repository_slug ?? repo, branch: scan.branch ?? branch,
            created_at: scan.created_at, html_report_url: scan.html_report_url, packages_scanned: artifacts.count,
            findings: findings, findings_truncated: truncated, counts: counts, max_severity: MaxSeverity(counts.max))
    }
}

// MARK: - findings.list

/// Reads the organisation's alerts page by page (Socket's cursor pagination) up to `limit` items.
struct FindingsList {
    static let schema = #"""
        {"type":"object","additionalProperties":false,
         "properties":{
           "severity":{"type":"string","enum":["low","medium","high","critical"],"description":"Minimum severity"},
           "status":{"type":"string","enum":["open","cleared"],"default":"open"},
           "repo":{"type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},
           "limit":{"type":"integer","minimum":1,"maximum":500,"default":100}}}
        """#

    struct Input: Decodable {
        var severity: Severity?
        var status: String?
        var repo: String?
        var limit: Int?
    }

    struct Output: Encodable {
        var items: [Item]
        var count: Int
        /// True when more alerts matched than `limit` (or than the pages we were willing to read).
        var truncated: Bool
        var max_severity: MaxSeverity
    }

    struct Item: Encodable {
        var id: String?
        var type: String?
        var category: String?
        var severity: String?
        var status: String?
        var title: String?
        var package: String?
        var version: String?
        var repo: String?
        var cve: String?
        var dashboardUrl: String?
    }

    /// A bound on round trips: a call has a deadline, and 20 pages of up to 500 is plenty.
    static let maxPages = 20

    let api: SocketAPI

    func run(_ input: Input, _ call: Call) throws -> Output {
        let limit = min(max(input.limit ?? 100, 1), 500)
        var filters: [(String, String)] = [("filters.alertStatus", input.status ?? "open")]
        if let minimum = input.severity {
            filters.append(("filters.alertSeverity", minimum.andAbove.map(\.rawValue).joined(separator: ",")))
        }
        if let repo = input.repo { filters.append(("filters.repoSlug", repo)) }

        var items: [Item] = []
        var cursor: String?
        var morePages = true
        for _ in 0..<Self.maxPages where morePages && items.count < limit {
            if call.isCancelled { throw ProviderError.timeout("socket: findings.list cancelled") }
            var query = filters + [("per_page", String(limit))]
            if let cursor { query.append(("startAfterCursor", cursor)) }
            let response = try api.get("/orgs/\(api.orgSlug)/alerts", query: query, call: call)
            let page = try SocketJSON.decode(SocketAlertPage.self, from: response, what: "alert list")
            items += (page.items ?? []).map(Self.trim)
            // Socket's rule: an empty page is not the end; a null endCursor is.
            cursor = page.endCursor
            morePages = cursor != nil
        }
        let truncated = items.count > limit || morePages
        items = Array(items.prefix(limit))
        let severities = items.compactMap { Severity(socket: $0.severity) }
        return Output(items: items, count: items.count, truncated: truncated, max_severity: MaxSeverity(of: severities))
    }

    private static func trim(_ alert: SocketAlert) -> Item {
        let location = alert.locations?.first
        return Item(
            id: alert.id, type: alert.type, category: alert.category,
            severity: Severity(socket: alert.severity)?.rawValue ?? alert.severity, status: alert.status,
            title: alert.title, package: location?.artifact?.name, version: location?.artifact?.version,
            repo: location?.repository?.slug, cve: alert.vulnerability?.cveId, dashboardUrl: alert.dashboardUrl)
    }
}

// MARK: - HTTP

/// The one place that knows Socket's base URL, auth header and error shape.
struct SocketAPI: Sendable {
    static let base = "https://api.socket.dev/v0"
    let orgSlug: String

    /// Sends a GET and returns any 2xx answer; every other status becomes a `ProviderError`.
    func get(_ path: String, query: [(String, String)] = [], call: Call) throws -> HTTPResponse {
        let (response, key) = try exchange(path, query: query, call: call)
        guard (200..<300).contains(response.status) else {
            throw SocketJSON.error(from: response).redacting(key)
        }
        return response
    }

    /// Sends a GET and returns whatever status came back (health wants to read 401 itself).
    func send(_ path: String, query: [(String, String)] = [], call: Call) throws(ProviderError) -> HTTPResponse {
        try exchange(path, query: query, call: call).response
    }

    private func exchange(
        _ path: String, query: [(String, String)], call: Call
    ) throws(ProviderError) -> (response: HTTPResponse, key: String) {
        let key = try call.getVaultSecret("socket_api_key")
        let url = Self.base + path + QueryString.encode(query)
        let response = try call.fetch(
            HTTPRequest(url: url, headers: [("Authorization", "Bearer \(key)"), ("Accept", "application/json")]))
        return (response, key)
    }
}

/// Decoding Socket's JSON bodies and its `{"error":{"message":…}}` error shape.
enum SocketJSON {
    static func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw ProviderError.upstream("socket: unreadable \(what) (HTTP \(response.status))")
        }
    }

    static func error(from response: HTTPResponse) -> ProviderError {
        let message = (try? JSONDecoder().decode(SocketErrorBody.self, from: Data(response.body)))?.error?.message
        let said = message.map { " \($0.clipped)" } ?? ""
        let text = "socket: \(response.status)\(said)"
        return .upstream(response, message: text)
    }
}

/// Full-scan bodies are NDJSON: one artifact per line. Lines that are not artifacts (blank lines,
/// summaries) are skipped rather than failing the whole scan.
enum SocketNDJSON {
    static func artifacts(in body: [UInt8]) -> [SocketArtifact] {
        let decoder = JSONDecoder()
        return body.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { return nil }
            guard let artifact = try? decoder.decode(SocketArtifact.self, from: Data(line)), artifact.name != nil
            else { return nil }
            return artifact
        }
    }
}

// MARK: - Socket's wire types (only the fields we read)

struct SocketErrorBody: Decodable {
    struct Detail: Decodable { var message: String? }
    var error: Detail?
}

struct SocketQuota: Decodable {
    var quota: Int?
}

struct SocketScanList: Decodable {
    var results: [SocketScan]
}

struct SocketScan: Decodable {
    var id: String
    var repo: String?
    var repository_slug: String?
    var branch: String?
    var created_at: String?
    var html_report_url: String?
}

struct SocketArtifact: Decodable {
    struct Alert: Decodable {
        var type: String?
        var severity: String?
        var category: String?
        var action: String?
    }
    var type: String?
    var namespace: String?
    var name: String?
    var version: String?
    var alerts: [Alert]?

    /// Maven and friends put the group in `namespace`; show it the way Socket's dashboard does.
    var qualifiedName: String {
        guard let namespace, !namespace.isEmpty else { return name ?? "" }
        return "\(namespace)/\(name ?? "")"
    }
}

struct SocketAlertPage: Decodable {
    var items: [SocketAlert]?
    var endCursor: String?
}

struct SocketAlert: Decodable {
    struct Location: Decodable {
        struct Repository: Decodable { var slug: String? }
        struct Artifact: Decodable {
            var name: String?
            var version: String?
        }
        var repository: Repository?
        var artifact: Artifact?
    }
    struct Vulnerability: Decodable { var cveId: String? }
    var id: String?
    var type: String?
    var category: String?
    var title: String?
    var severity: String?
    var status: String?
    var dashboardUrl: String?
    var vulnerability: Vulnerability?
    var locations: [Location]?
}

// MARK: - Severity

extension Severity {
    /// Socket says `middle` inside full-scan artifacts and `medium` in the alerts list.
    init?(socket: String?) {
        switch socket?.lowercased() {
        case "middle", "medium": self = .medium
        case let other?: self.init(rawValue: other)
        case nil: return nil
        }
    }
}

struct SeverityCounts: Encodable {
    var critical = 0
    var high = 0
    var medium = 0
    var low = 0

    mutating func add(_ severity: Severity?) {
        switch severity {
        case .critical: critical += 1
        case .high: high += 1
        case .medium: medium += 1
        case .low: low += 1
        case nil: break
        }
    }

    var max: Severity? {
        if critical > 0 { return .critical }
        if high > 0 { return .high }
        if medium > 0 { return .medium }
        return low > 0 ? .low : nil
    }
}

// MARK: - Small helpers

extension String {
    var isSlug: Bool {
        !isEmpty && count <= 128 && allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    var pathSegmentEscaped: String { QueryString.escape(self) }
}

// The one export: the hub calls this C symbol when it loads the library.
@_cdecl("hub_provider_init")
public func hubProviderInit(_ host: HostTable, _ load: CallHandle, _ settings: hub_str, _ out: ProviderSlot) -> hub_status {
    ProviderExport.initialize(SocketProvider.self, host, load, settings, out)
}
