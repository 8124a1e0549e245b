/// Secret names: `^[a-z][a-z0-9_]{0,127}$`.
///
/// The rule is narrow on purpose: names appear in config, logs, SQL parameters and array
/// literals, and a name that cannot contain quotes, commas, braces or dots needs no escaping in
/// any of them.
enum SecretName {
    static let maximumLength = 128

    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= maximumLength, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z")
        else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
    }

    /// Throws `.invalidName` unless `name` is valid. The rejected name is echoed back truncated,
    /// since a caller may have pasted a value where a name belongs.
    static func validate(_ name: String) throws(SecretError) {
        guard isValid(name) else { throw .invalidName(String(name.prefix(32))) }
    }
}
