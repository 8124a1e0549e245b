/// `GET /providers`: what the caller may call, filtered by the same rule as calling
/// (`ToolAccess.permits`: role and rate budget), so a listing never advertises a tool the caller
/// would be refused.
enum ProviderListing {
    static func visible(to caller: Caller, in generation: RegistryGeneration) -> JSONValue {
        let providers = ToolAccess.callableTools(for: caller.role, in: generation).map { provider, tools -> JSONValue in
            .object([
                "name": .string(provider.name), "version": .string(provider.manifest.version),
                "tools": .array(tools.map(describe)),
            ])
        }
        return .object(["providers": .array(providers)])
    }

    static func describe(_ tool: ServedTool) -> JSONValue {
        var entry: [String: JSONValue] = [
            "name": .string(tool.name), "description": .string(tool.description),
            "category": .string(tool.category.rawValue), "min_role": .string(tool.policy.minRole.rawValue),
            "timeout_ms": .number(Double(tool.policy.timeoutMs)),
            "input_schema": (try? JSONValue.parse(tool.schemaText)) ?? .null,
        ]
        if let deprecation = tool.policy.deprecation {
            var retiring: [String: JSONValue] = ["since": .string(ToolDeprecation.day(deprecation.since))]
            if let sunset = deprecation.sunset { retiring["sunset"] = .string(ToolDeprecation.day(sunset)) }
            if let successor = deprecation.successor { retiring["successor"] = .string(successor) }
            entry["deprecated"] = .object(retiring)
        }
        return .object(entry)
    }
}

/// `POST /admin/reload`'s answer: the generation now serving and what failed to load.
enum ReloadSummary {
    static func of(_ generation: RegistryGeneration) -> JSONValue {
        .object([
            "generation": .number(Double(generation.number)),
            "providers": .array(generation.providers.keys.sorted().map { .string($0) }),
            "failures": .array(failureLines(generation).map { .string($0) }),
            "kept_previous": .array(generation.keptPrevious.sorted().map { .string($0) }),
        ])
    }

    /// The same, for the reload's audit event: what triggered it and the tools it added and
    /// removed (`provider.tool`).
    static func of(_ generation: RegistryGeneration, replacing previous: RegistryGeneration, trigger: String) -> JSONValue {
        guard case .object(var summary) = of(generation) else { return of(generation) }
        let (now, before) = (toolNames(generation), toolNames(previous))
        summary["trigger"] = .string(trigger)
        summary["tools_added"] = .array(now.subtracting(before).sorted().map { .string($0) })
        summary["tools_removed"] = .array(before.subtracting(now).sorted().map { .string($0) })
        return .object(summary)
    }

    private static func toolNames(_ generation: RegistryGeneration) -> Set<String> {
        Set(generation.providers.values.flatMap { provider in provider.tools.values.map(\.qualifiedName) })
    }

    /// One line per provider that failed to load: which, why, and whether its previous version
    /// still serves.
    static func failureLines(_ generation: RegistryGeneration) -> [String] {
        generation.failures.map { failure in
            failure.description
                + (generation.keptPrevious.contains(failure.provider) ? " (previous version still serving)" : " (not serving)")
        }
    }
}
