/// Who is making a request, as established by a verified Supabase access token.
///
/// Only the fields the hub authorises on are kept; everything else in the token is dropped
/// so that nothing user-editable (`user_metadata`) can leak into a policy decision.
struct Caller: Sendable, Equatable {
    /// The token's `sub`: the Supabase user id, normalised to a lowercase UUID string.
    var id: String
    /// From `app_metadata.ops_role`, which only an admin with the service key can set.
    var role: OpsRole
    /// From `app_metadata.team`, if present.
    var team: String?
}
