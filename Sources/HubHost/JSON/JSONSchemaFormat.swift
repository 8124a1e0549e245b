extension JSONSchema {
    /// The `format` values the hub checks. JSON Schema treats formats as annotations by
    /// default; here they're assertions, and unknown ones are refused at load like any other
    /// keyword we can't enforce.
    enum Format: String, Sendable, CaseIterable {
        case uuid
        case dateTime = "date-time"

        func accepts(_ string: String) -> Bool {
            let bytes = Array(string.utf8)
            switch self {
            case .uuid: return Self.isUUID(bytes)
            case .dateTime: return Self.isDateTime(bytes)
            }
        }

        /// RFC 4122 text form: 8-4-4-4-12 hex digits, either case. Version and variant bits
        /// aren't checked, so the nil UUID passes.
        private static func isUUID(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == 36 else { return false }
            for (index, byte) in bytes.enumerated() {
                let isHyphenPosition = index == 8 || index == 13 || index == 18 || index == 23
                guard isHyphenPosition ? byte == UInt8(ascii: "-") : byte.isHexDigit else { return false }
            }
            return true
        }

        /// RFC 3339 `date-time`: `2026-01-01T00:00:00Z`, with optional fraction and a `Z` or
        /// `±hh:mm` offset; `T` and `Z` in either case. A leap second (`:60`) is only allowed
        /// at 23:59 UTC.
        private static func isDateTime(_ bytes: [UInt8]) -> Bool {
            var scanner = FormatScanner(bytes: bytes)
            guard let year = scanner.digits(4), scanner.skip("-"),
                let month = scanner.digits(2), scanner.skip("-"),
                let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"),
                let hour = scanner.digits(2), scanner.skip(":"),
                let minute = scanner.digits(2), scanner.skip(":"),
                let second = scanner.digits(2)
            else { return false }
            if scanner.skip(".") {
                guard scanner.digits(1) != nil else { return false }
                while scanner.digits(1) != nil {}
            }
            var offsetMinutes = 0
            if scanner.skip("Z") || scanner.skip("z") {
                offsetMinutes = 0
            } else {
                let sign: Int
                if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return false }
                guard let offsetHour = scanner.digits(2), offsetHour <= 23, scanner.skip(":"),
                    let offsetMinute = scanner.digits(2), offsetMinute <= 59
                else { return false }
                offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
            }
            guard scanner.isAtEnd,
                (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
                hour <= 23, minute <= 59, second <= 60
            else { return false }
            if second == 60 {
                let utcMinuteOfDay = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
                return utcMinuteOfDay == 23 * 60 + 59
            }
            return true
        }

        private static func daysIn(month: Int, year: Int) -> Int {
            switch month {
            case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
    }
}

/// Steps through ASCII text for the format checks.
private struct FormatScanner {
    let bytes: [UInt8]
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// Exactly `count` decimal digits, as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard bytes.count - index >= count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }
}
