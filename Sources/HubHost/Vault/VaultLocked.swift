import Foundation

/// A value behind a lock, for the vault's classes that blocking threads share.
///
/// `Synchronization.Mutex` would do, but it needs macOS 15 and the package still declares 14.
final class VaultLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
