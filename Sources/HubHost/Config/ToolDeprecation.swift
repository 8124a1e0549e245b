import Foundation

/// A tool the admin is retiring (config: `deprecated`, `sunset`, `successor` on a tool entry).
/// Callers are told on every reply — `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and a
/// `Link` to the successor (RFC 5829) — and over MCP in the tool's description; the tool keeps
/// working until the admin removes it from the config (the hub does not switch it off by itself).
struct ToolDeprecation: Sendable, Equatable {
    /// `deprecated`: the day it was deprecated, `YYYY-MM-DD` (UTC midnight).
    var since: Date
    /// `sunset`: the day it is to be removed, if announced; not before `since`.
    var sunset: Date?
    /// `successor`: the tool to use instead, another tool of the same provider's list.
    var successor: String?

    /// The reply headers that say so. `provider` names the successor's REST path.
    func headers(provider: String) -> [(name: String, value: String)] {
        var headers = [(name: "Deprecation", value: "@\(Int(since.timeIntervalSince1970))")]
        if let sunset { headers.append((name: "Sunset", value: Self.httpDate(sunset))) }
        if let successor {
            headers.append((name: "Link", value: "</providers/\(provider)/\(successor)>; rel=\"successor-version\""))
        }
        return headers
    }

    /// One sentence for people and models ("Deprecated since …; removed on …; use … instead.").
    func sentence(successorName: String?) -> String {
        var text = "Deprecated since \(Self.day(since))"
        if let sunset { text += "; to be removed on \(Self.day(sunset))" }
        if let successorName { text += "; use \(successorName) instead" }
        return text + "."
    }

    static func parseDay(_ text: String) -> Date? {
        guard text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-").compactMap { Int($0) }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    static func day(_ date: Date) -> String { formatted(date, "yyyy-MM-dd") }

    static func httpDate(_ date: Date) -> String { formatted(date, "EEE, dd MMM yyyy HH:mm:ss 'GMT'") }

    /// In UTC and the POSIX locale, whatever the machine's settings.
    private static func formatted(_ date: Date, _ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }
}
