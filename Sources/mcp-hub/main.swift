import ArgumentParser
import Foundation
import HubHost

/// The `mcp-hub` command line: argument parsing only; the work is in HubHost.
@main
struct MCPHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-hub",
        abstract: "The gateway through which agents call ops providers, with RBAC, vault, egress guards and an audit trail.",
        version: HubVersion.described,
        subcommands: [Serve.self, Plugin.self, Secrets.self, Token.self, Events.self, Audit.self])
}

/// `--config FILE`, shared by every command that reads the hub's configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The hub's provider-config.yaml.")
    var config: String = "infra/mcp/provider-config.yaml"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the providers and serve HTTP.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await reportingFailures { try await HubServer.run(configPath: options.config) }
    }
}

struct Plugin: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Provider libraries.", subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what a provider library declares: ABI, tools, schemas, secrets, hosts.")
        @Argument(help: "The provider's shared library (.so).") var library: String
        @Option(help: "The provider's settings as a JSON object, as the config's `settings:` would give them.")
        var settings: String = "{}"

        func run() throws {
            try reportingFailures { print(try PluginInspector.describe(libraryPath: library, settings: settings)) }
        }
    }
}

/// Prints a failure's own words (file:line:column for config errors) and exits 1, instead of
/// ArgumentParser's generic rendering.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("mcp-hub: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("mcp-hub: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct Secrets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Provider secrets in the configured vault (values never appear on the command line).",
        subcommands: [Set.self, List.self, Remove.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a secret; the value is read from standard input.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The secret's name, e.g. socket_api_key.") var name: String

        func run() throws {
            try reportingFailures {
                let input = FileHandle.standardInput.readDataToEndOfFile()
                try HubSecrets.set(configPath: options.config, name: name, value: input)
                print("stored \(name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List secret names and when each was last updated.")
        @OptionGroup var options: ConfigOption

        func run() throws {
            try reportingFailures { print(try HubSecrets.list(configPath: options.config)) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a secret.")
        @OptionGroup var options: ConfigOption
        @Argument var name: String

        func run() throws {
            try reportingFailures { try HubSecrets.remove(configPath: options.config, name: name); print("removed \(name)") }
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a token for local development with the HS256 secret from the vault.")
    @OptionGroup var options: ConfigOption
    @Option(help: "The caller's user id (a UUID).") var sub: String
    @Option(help: "ops_viewer, ops_operator or ops_admin.") var role: String
    @Option(help: "The caller's team, for cost attribution.") var team: String?
    @Option(help: "Lifetime: 30s, 15m, 1h, 1d.") var ttl: String = "1h"

    func run() async throws {
        try await reportingFailures {
            print(try await HubTokens.issue(configPath: options.config, sub: sub, role: role, team: team, ttl: ttl))
        }
    }
}

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Query the audit trail (ops.run_events).")
    @OptionGroup var options: ConfigOption
    @Option var provider: String?
    @Option var tool: String?
    @Option(help: "Caller id (UUID).") var caller: String?
    @Option(help: "ok, error, denied, rate_limited or timeout.") var status: String?
    @Option(help: "At least this severity: low, medium, high, critical.") var severity: String?
    @Option(help: "ISO 8601 time, e.g. 2026-11-28T00:00:00Z.") var since: String?
    @Option var until: String?
    @Option var limit: Int = 50
    @Option(help: "Continue from a previous page's cursor.") var cursor: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        try await reportingFailures {
            let filters = EventFilters(
                provider: provider, tool: tool, caller: caller, status: status, severity: severity, since: since,
                until: until, limit: limit, cursor: cursor)
            print(try await HubEvents.list(configPath: options.config, filters: filters, json: json))
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit trail's integrity.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the hash chain and report the first broken link.")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            try await reportingFailures {
                let report = try await HubAuditCommands.verify(configPath: options.config)
                print(report.text)
                if !report.intact { throw ExitCode(2) }
            }
        }
    }
}
