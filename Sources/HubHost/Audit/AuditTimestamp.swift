import Foundation

/// Event times as whole microseconds since 1970-01-01 UTC: PostgreSQL's timestamptz resolution,
/// and an integer, so the hash chain never depends on how a floating-point `Date` prints.
enum AuditTimestamp {
    static func micros(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static func date(micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// "2024-05-01 12:34:56.123456+00": a timestamptz literal PostgreSQL parses exactly.
    static func postgresLiteral(micros: Int64) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        // Floor division so times before 1970 still print a non-negative fraction.
        let wholeSeconds = fraction < 0 ? seconds - 1 : seconds
        let microsPart = fraction < 0 ? fraction + 1_000_000 : fraction
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(microsPart)
        )
    }
}
