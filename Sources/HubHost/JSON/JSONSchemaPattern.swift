import Foundation

extension JSONSchema {
    /// A `pattern`, compiled at load time and matched with JSON Schema's unanchored search.
    ///
    /// `Regex` isn't `Sendable`, and compiling one costs ~70µs (matching ~1.5µs), so neither
    /// sharing one instance between threads nor compiling per call will do. Instead compiled
    /// instances sit in a small pool: a call takes one out under the lock, matches, and puts it
    /// back, so no instance is ever used by two threads at once. The pool grows to the number of
    /// concurrent matches (capped) and then stops compiling.
    ///
    /// @unchecked: `idle` is only touched with `lock` held. The lock is `NSLock` (a pthread
    /// mutex) rather than `Synchronization.Mutex` because ThreadSanitizer understands the former
    /// and reports false races through the latter's futex on Linux.
    final class Pattern: @unchecked Sendable {
        let source: String
        private let lock = NSLock()
        private var idle: [Regex<AnyRegexOutput>]

        private static let poolLimit = 16

        /// Throws if `source` isn't a valid regular expression.
        init(_ source: String) throws {
            self.source = source
            self.idle = [try Self.compile(source)]
        }

        func matches(_ string: String) -> Bool {
            let pooled = lock.withLock { idle.popLast() }
            // Compiled fine at load, so a failure here can only be exhaustion; fail closed.
            guard let regex = pooled ?? (try? Self.compile(source)) else { return false }
            // Matching only throws on cancellation; treat that as "no match".
            let matched = (try? regex.firstMatch(in: string)) != nil
            lock.withLock {
                if idle.count < Self.poolLimit { idle.append(regex) }
            }
            return matched
        }

        private static func compile(_ source: String) throws -> Regex<AnyRegexOutput> {
            // Closer to the ECMA-262 dialect JSON Schema specifies: match code points, not
            // grapheme clusters ("." is one scalar), and \d and \w are ASCII only.
            let regex = try Regex(source)
                .matchingSemantics(.unicodeScalar)
                .asciiOnlyDigits()
                .asciiOnlyWordCharacters()
            // Some problems only surface when the regex is first lowered for matching; force it
            // now so they become load-time errors.
            _ = try regex.firstMatch(in: "")
            return regex
        }
    }
}
