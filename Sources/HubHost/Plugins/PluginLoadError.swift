/// Why a provider library was refused. One line names the provider, the library file and the
/// check that failed, in the spirit of PostgreSQL's dfmgr.c: precise enough to act on.
struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    enum Check: String, Sendable {
        case config, copy, open, entryPoint = "entry point", abi, checksum = "sha256 pin", initialise = "init",
            manifest, schema, tools, hosts, secrets
    }

    var provider: String
    var library: String
    var check: Check
    var message: String

    var description: String { "\(provider): \(library): \(check.rawValue): \(message)" }
}
