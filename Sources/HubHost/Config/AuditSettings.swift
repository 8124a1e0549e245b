/// `hub.audit`: where the audit events (`ops.run_events`) are written.
struct AuditSettings: Sendable, Equatable {
    enum Store: Sendable, Equatable {
        /// `store: sqlite`: the embedded default; `path` defaults to `<state_dir>/audit.sqlite3`.
        case sqlite(path: String)
        /// `store: postgres`: `ops.run_events` over libpq. The conninfo carries no password.
        case postgres(conninfo: String)
    }

    /// `store`: `sqlite` (default) or `postgres`.
    var store: Store
    /// `spool_dir`: where events wait when the store is unreachable, so they are durable before
    /// the reply even then. Default `<state_dir>/audit-spool`.
    var spoolDirectory: String
    /// `result_cap_bytes`: how much of a tool result an event keeps; 0...16777216, default 65536.
    var resultCapBytes: Int

    static let keys = ["store", "path", "conninfo", "spool_dir", "result_cap_bytes"]

    init(store: Store, spoolDirectory: String, resultCapBytes: Int = 65536) {
        self.store = store
        self.spoolDirectory = spoolDirectory
        self.resultCapBytes = resultCapBytes
    }

    static func defaultSettings(stateDirectory: String) -> AuditSettings {
        AuditSettings(store: .sqlite(path: "\(stateDirectory)/audit.sqlite3"), spoolDirectory: "\(stateDirectory)/audit-spool")
    }

    init(from node: ConfigNode, stateDirectory: String) throws(ConfigError) {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        let storeName = try mapping.optional("store")?.parsed(as: "an audit store (expected sqlite or postgres)") { ["sqlite", "postgres"].contains($0) ? $0 : nil } ?? "sqlite"
        switch storeName {
        case "postgres":
            try BackendKeys.refuse(["path"], in: mapping, backend: "postgres")
            store = .postgres(conninfo: try ConninfoValue.read(mapping.required("conninfo")))
        default:
            try BackendKeys.refuse(["conninfo"], in: mapping, backend: "sqlite")
            store = .sqlite(path: try mapping.optional("path")?.path() ?? "\(stateDirectory)/audit.sqlite3")
        }
        spoolDirectory = try mapping.optional("spool_dir")?.path() ?? "\(stateDirectory)/audit-spool"
        resultCapBytes = try mapping.optional("result_cap_bytes")?.int(in: 0...16_777_216) ?? 65536
    }
}
