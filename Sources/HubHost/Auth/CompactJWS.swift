import Foundation

/// A token split into its three segments, with the (still unverified) header decoded.
///
/// The header is read before the signature is checked because it names the key; nothing in it
/// is trusted beyond choosing that key, and the choice is then checked against the key itself.
struct CompactJWS: Sendable {
    struct Header: Decodable, Sendable {
        var alg: String
        var kid: String?
        /// Critical extensions we would have to understand (RFC 7515 §4.1.11); we understand none.
        var crit: [String]?
    }

    let header: Header
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    let signingInput: Substring
    let payload: [UInt8]
    let signature: [UInt8]

    init(_ token: Substring) throws(AuthFailure) {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        // The signature may be empty here (that is what `alg: none` looks like): the algorithm
        // check rejects it by name, which makes a clearer audit row than "malformed".
        guard segments.count == 3, !segments[0].isEmpty, !segments[1].isEmpty,
            let headerBytes = Base64URL.decode(segments[0]),
            let payload = Base64URL.decode(segments[1]),
            let signature = Base64URL.decode(segments[2])
        else { throw .malformedToken }

        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(headerBytes))
        } catch {
            throw .malformedToken
        }
        if header.crit != nil { throw .malformedToken }

        self.header = header
        self.signingInput = token[..<segments[1].endIndex]
        self.payload = payload
        self.signature = signature
    }
}
