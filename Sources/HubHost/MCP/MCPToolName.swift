/// How MCP names a hub tool. LLM APIs that agents forward tool names to accept
/// `^[A-Za-z0-9_-]{1,64}$`, which has no room for the hub's `provider` + `.`-separated tool, so:
///
///     mcp name = provider + "_" + tool with every "." replaced by "_"
///     socket / scan.repo  →  socket_scan_repo
///
/// The mapping is not injective in general (`a` / `b.c` and `a_b` / `c` both give `a_b_c`, and
/// a tool may already use `_`), so a generation refuses, at load, any provider whose mapped names
/// collide with names already taken or are longer than 64 characters (`ToolNameCollisions`).
enum MCPToolName {
    static let maxLength = 64

    static func of(provider: String, tool: String) -> String {
        provider + "_" + tool.replacingOccurrences(of: ".", with: "_")
    }

    static func isValid(_ name: String) -> Bool {
        (1...maxLength).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }
    }
}

/// Keeps a generation's MCP tool names unique: a provider whose tools would map onto a name
/// another provider (or another of its own tools) already has is not loaded, with a message that
/// names both. Providers are taken in name order, so which one wins does not depend on the config's
/// ordering of the day.
enum ToolNameCollisions {
    static func refuse(in loaded: inout [String: LoadedProvider], failures: inout [PluginLoadError]) {
        var taken: [String: String] = [:]  // mcp name → "provider.tool"
        for name in loaded.keys.sorted() {
            guard let provider = loaded[name] else { continue }
            var mine: [String: String] = [:]
            var problem: String?
            for tool in provider.tools.keys.sorted() {
                let mapped = MCPToolName.of(provider: name, tool: tool)
                if !MCPToolName.isValid(mapped) {
                    problem = "tool '\(tool)' maps to MCP name '\(mapped)', longer than \(MCPToolName.maxLength) characters or not [A-Za-z0-9_-]"
                } else if let other = taken[mapped] ?? mine[mapped] {
                    problem = "tool '\(tool)' maps to MCP name '\(mapped)', which \(other) already has"
                }
                if problem != nil { break }
                mine[mapped] = "\(name).\(tool)"
            }
            if let problem {
                loaded[name] = nil
                provider.shutdown()
                failures.append(PluginLoadError(
                    provider: name, library: provider.library.sourcePath, check: .tools, message: problem))
            } else {
                taken.merge(mine) { first, _ in first }
            }
        }
    }
}
