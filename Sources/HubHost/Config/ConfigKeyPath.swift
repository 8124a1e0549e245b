/// Spells key paths the way the config reads: `providers.socket.tools[1].min_role`.
enum ConfigKeyPath {
    static func child(_ parent: String, key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    static func element(_ parent: String, index: Int) -> String {
        "\(parent)[\(index)]"
    }
}
