/// `hub.vault`: where provider secrets are kept.
struct VaultSettings: Sendable, Equatable {
    enum Backend: Sendable, Equatable {
        /// `backend: file`: an encrypted local store. `file` defaults to `<state_dir>/vault.store`
        /// and `key_file` (the encryption key) to `<state_dir>/vault.key`.
        case file(path: String, keyFile: String)
        /// `backend: supabase`: Supabase Vault over libpq. The conninfo carries no password.
        case supabase(conninfo: String)
    }

    /// `backend`: `file` (default) or `supabase`.
    var backend: Backend
    /// `refresh_ms`: how often cached secrets are re-read, so a rotation takes effect without a
    /// restart; 100...60000, default 2000.
    var refreshMs: Int
    /// `stale_grace_seconds`: how long a cached secret may still be served while the backend is
    /// unreachable; 0...86400, default 0 (fail closed).
    var staleGraceSeconds: Int

    static let keys = ["backend", "file", "key_file", "conninfo", "refresh_ms", "stale_grace_seconds"]

    init(backend: Backend, refreshMs: Int = 2000, staleGraceSeconds: Int = 0) {
        self.backend = backend
        self.refreshMs = refreshMs
        self.staleGraceSeconds = staleGraceSeconds
    }

    static func defaultSettings(stateDirectory: String) -> VaultSettings {
        VaultSettings(backend: .file(path: "\(stateDirectory)/vault.store", keyFile: "\(stateDirectory)/vault.key"))
    }

    init(from node: ConfigNode, stateDirectory: String) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        let backendName = try mapping.optional("backend")?.parsed(as: "a vault backend (expected file or supabase)") { ["file", "supabase"].contains($0) ? $0 : nil } ?? "file"
        switch backendName {
        case "supabase":
            try BackendKeys.refuse(["file", "key_file"], in: mapping, backend: "supabase")
            backend = .supabase(conninfo: try ConninfoValue.read(mapping.required("conninfo")))
        default:
            try BackendKeys.refuse(["conninfo"], in: mapping, backend: "file")
            backend = .file(
                path: try mapping.optional("file")?.path() ?? "\(stateDirectory)/vault.store",
                keyFile: try mapping.optional("key_file")?.path() ?? "\(stateDirectory)/vault.key"
            )
        }
        refreshMs = try mapping.optional("refresh_ms")?.int(in: 100...60000) ?? 2000
        staleGraceSeconds = try mapping.optional("stale_grace_seconds")?.int(in: 0...86400) ?? 0
    }
}
