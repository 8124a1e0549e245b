// swift-tools-version:6.2
import PackageDescription

/// One provider library per folder in Plugins/. Each is a dynamic library that the hub dlopens;
/// none of them is linked into the host.
let providers = ["Socket", "Sentry", "Netdata", "Template"]

let package = Package(
    name: "mcp-hub",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mcp-hub", targets: ["mcp-hub"]),
        .executable(name: "hub-bench", targets: ["hub-bench"]),
    ] + providers.map { .library(name: "\($0)Provider", type: .dynamic, targets: ["\($0)Provider"]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // System libraries, linked through pkg-config.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // curl_easy_setopt is variadic, which Swift cannot call: typed wrappers.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // The one contract between host and provider: a C header.
        .target(name: "ProviderABI"),

        // What a Swift provider author imports.
        .target(name: "ProviderSDK", dependencies: ["ProviderABI"]),

        .target(
            name: "HubHost",
            dependencies: [
                "ProviderABI", "CYAML", "CCurl", "CCurlShim", "CPostgres", "CSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mcp-hub",
            dependencies: ["HubHost", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "hub-bench", dependencies: ["HubHost"], path: "bench/HubBench"),
        .testTarget(
            name: "HubHostTests",
            dependencies: ["HubHost", .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
    ] + providers.map { .target(name: "\($0)Provider", dependencies: ["ProviderSDK"], path: "Plugins/\($0)") }
)
