import Foundation

/// One secret in a listing: its name and when it last changed. Never its value.
struct SecretListing: Sendable, Equatable {
    var name: String
    var updatedAt: Date
}

/// Where secrets live. Implementations do blocking I/O: the host calls them from its blocking
/// pool or the cache's refresher thread, never from Swift's cooperative pool.
///
/// A backend does not cache; `SecretCache` does, and asks `versions(of:)` to learn cheaply which
/// cached names changed.
protocol SecretBackend: Sendable {
    /// The value and an opaque version of `name`, or nil if no such secret exists. The version
    /// changes whenever the value does (the backends use `updated_at`).
    func read(_ name: String) throws(SecretError) -> (value: String, version: String)?

    /// The current version of each of `names` that exists; absent names are omitted. Must not
    /// decrypt values when the backend can avoid it: the cache calls this every refresh.
    func versions(of names: [String]) throws(SecretError) -> [String: String]

    /// Creates or replaces `name`.
    func set(_ name: String, value: String) throws(SecretError)

    /// Every secret's name and update time, sorted by name.
    func list() throws(SecretError) -> [SecretListing]

    /// Deletes `name`; false when there was nothing to delete.
    func remove(_ name: String) throws(SecretError) -> Bool
}
