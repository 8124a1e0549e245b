// hub-bench: in-process measurements for bench/run.sh. Each prints markdown table rows
// (| name | ops/s | p50 µs | p99 µs |) so the script can assemble the README's table.
import Foundation
import HubHost

let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, default value: String? = nil) -> String? {
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

func int(_ name: String, _ value: Int) -> Int { option(name).flatMap(Int.init) ?? value }

do {
    switch arguments.first {
    case "direct":
        let sample = try HubBenchmarks.directCall(
            configPath: option("config")!, provider: option("provider", default: "template")!,
            tool: option("tool", default: "echo")!, input: option("input", default: #"{"message":"hi"}"#)!,
            iterations: int("iterations", 200_000), threads: int("threads", 1))
        print(sample.markdownRow)
    case "stages":
        for sample in try await HubBenchmarks.policyStages(
            configPath: option("config")!, provider: option("provider", default: "template")!,
            tool: option("tool", default: "echo")!, input: option("input", default: #"{"message":"hi"}"#)!,
            iterations: int("iterations", 20_000))
        {
            print(sample.markdownRow)
        }
    case "secrets":
        for sample in try HubBenchmarks.secretLookups(
            configPath: option("config")!, name: option("name", default: "hub_jwt_secret")!,
            iterations: int("iterations", 200_000))
        {
            print(sample.markdownRow)
        }
    case "egress":
        print(try HubBenchmarks.egress(
            url: option("url")!, connectTo: option("connect-to"), caFile: option("ca-file"),
            iterations: int("iterations", 2_000)).markdownRow)
    case "audit":
        for line in try await HubBenchmarks.audit(postgresConninfo: option("postgres"), events: int("events", 12_800)) {
            print(line)
        }
        for sample in try await HubBenchmarks.auditAppendLatency(postgresConninfo: option("postgres"), iterations: int("iterations", 500)) {
            print(sample.markdownRow)
        }
    default:
        print("usage: hub-bench direct|stages|secrets|egress|audit [--config FILE] [--iterations N] …")
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("hub-bench: \(error)\n".utf8))
    exit(1)
}
