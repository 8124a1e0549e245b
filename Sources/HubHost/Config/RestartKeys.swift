/// The `hub:` block as written, flattened to `key.path → value` leaves, so a reload can name
/// every key whose change it cannot apply. The hub block is read once, at start (the listener,
/// the pool, the vault, the audit store and the egress settings are built from it); a reload
/// that would change any of it is refused rather than half-applied.
///
/// Leaves compare the YAML as written: a key added with its default value counts as a change.
/// That errs towards asking for a restart, never towards silently ignoring a change.
enum RestartKeys {
    static func leaves(of node: YAMLNode?, prefix: String) -> [String: String] {
        guard let node else { return [:] }
        var leaves: [String: String] = [:]
        collect(node, prefix, into: &leaves)
        return leaves
    }

    /// Key paths whose value differs, sorted.
    static func changed(from old: [String: String], to new: [String: String]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }

    private static func collect(_ node: YAMLNode, _ path: String, into leaves: inout [String: String]) {
        switch node.content {
        case .scalar(let scalar):
            leaves[path] = canonical(scalar.value)
        case .sequence(let items):
            // A list is one setting (connect_to, allow_cidrs): named as a whole.
            leaves[path] = "[" + items.map { item -> String in
                var inner: [String: String] = [:]
                collect(item, "", into: &inner)
                return inner.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }.joined(separator: ";") + "]"
        case .mapping(let entries):
            if entries.isEmpty { leaves[path] = "{}" }
            for entry in entries { collect(entry.value, path.isEmpty ? entry.key : "\(path).\(entry.key)", into: &leaves) }
        }
    }

    private static func canonical(_ value: YAMLScalarValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): "bool:\(bool)"
        case .int(let int): "int:\(int)"
        case .float(let double): "float:\(double)"
        case .string(let string): "string:\(string)"
        }
    }
}
