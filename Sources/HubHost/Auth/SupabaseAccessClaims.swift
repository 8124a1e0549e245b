import Foundation

/// The claims of a Supabase access token that matter to the hub, decoded leniently.
///
/// Every field is optional so that a missing or oddly-typed claim becomes a specific
/// `AuthFailure` in `ClaimsValidator` rather than a generic decoding error. `user_metadata`
/// is deliberately not decoded at all: it is user-editable and must never feed authorisation.
struct SupabaseAccessClaims: Decodable, Sendable {
    /// `aud` may be a single string (what GoTrue emits) or an array (RFC 7519 §4.1.3).
    enum Audience: Decodable, Sendable {
        case one(String)
        case many([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(String.self) {
                self = .one(value)
            } else {
                self = .many(try container.decode([String].self))
            }
        }

        func contains(_ audience: String) -> Bool {
            switch self {
            case .one(let value): value == audience
            case .many(let values): values.contains(audience)
            }
        }
    }

    /// `app_metadata`: written only by the service role, so safe to authorise on.
    struct AppMetadata: Decodable, Sendable {
        var opsRole: String?
        var team: String?

        private enum CodingKeys: String, CodingKey {
            case opsRole = "ops_role"
            case team
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // A non-string value is treated as absent: it cannot name a role or a team.
            self.opsRole = try? container.decodeIfPresent(String.self, forKey: .opsRole)
            self.team = try? container.decodeIfPresent(String.self, forKey: .team)
        }
    }

    var iss: String?
    var sub: String?
    var aud: Audience?
    var exp: Double?
    var nbf: Double?
    var iat: Double?
    var role: String?
    var appMetadata: AppMetadata?

    private enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, role
        case appMetadata = "app_metadata"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.iss = try container.decodeIfPresent(String.self, forKey: .iss)
        self.sub = try container.decodeIfPresent(String.self, forKey: .sub)
        self.aud = try container.decodeIfPresent(Audience.self, forKey: .aud)
        self.exp = try container.decodeIfPresent(Double.self, forKey: .exp)
        self.nbf = try container.decodeIfPresent(Double.self, forKey: .nbf)
        self.iat = try container.decodeIfPresent(Double.self, forKey: .iat)
        self.role = try container.decodeIfPresent(String.self, forKey: .role)
        // A non-object `app_metadata` simply carries no ops role.
        self.appMetadata = try? container.decodeIfPresent(AppMetadata.self, forKey: .appMetadata)
    }

    static func decode(_ bytes: [UInt8]) throws(AuthFailure) -> SupabaseAccessClaims {
        do {
            return try JSONDecoder().decode(SupabaseAccessClaims.self, from: Data(bytes))
        } catch {
            throw .malformedToken
        }
    }
}
