/// One provider's view of the vault: the cache, filtered through the provider's scope. This is
/// what the host's `secret_get` calls; a provider never reaches the cache directly.
struct ScopedSecrets: Sendable {
    let cache: SecretCache
    let scope: SecretScope

    /// The value of `name` if the scope grants it. The name is checked before the scope, and the
    /// scope before the vault, so a denied call never touches the backend and never learns
    /// whether the name exists.
    func secret(_ name: String) throws(SecretError) -> String {
        try SecretName.validate(name)
        guard scope.permits(name) else { throw .denied(name: name) }
        return try cache.value(name)
    }

    /// A redactor for everything this provider may have been given.
    func redactor() -> SecretRedactor {
        SecretRedactor(secrets: cache.cachedValues(permittedBy: scope))
    }
}

extension SecretCache {
    func secret(_ name: String, for scope: SecretScope) throws(SecretError) -> String {
        try ScopedSecrets(cache: self, scope: scope).secret(name)
    }
}
