import Foundation

/// Builds URL query strings from name/value pairs, for providers that put caller input into URLs.
///
/// Only RFC 3986 unreserved characters pass through; everything else is percent-encoded, so a
/// value can never add a parameter, end the query or change the path.
public enum QueryString {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `?a=1&b=x%20y`, or the empty string when there are no pairs. Order and repeats are kept:
    /// some APIs read a repeated name as a list (`project=1&project=2`).
    public static func encode(_ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "?" + pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// One name, value or path segment, percent-encoded.
    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
