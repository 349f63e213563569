// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "JSONValue", targets: ["JSONValue"]),
        .library(name: "YAML", targets: ["YAML"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "JSONValue",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "YAML", dependencies: ["JSONValue", "CYAML"]),
        .target(name: "JMESPath", dependencies: ["JSONValue"]),
        .target(
            name: "HTTPClient",
            dependencies: ["CCurl", .product(name: "DequeModule", package: "swift-collections")]
        ),
        .target(name: "KubeClient", dependencies: ["JSONValue", "YAML", "HTTPClient"]),
        .target(name: "PolicyEngine", dependencies: ["JSONValue", "JMESPath", "YAML"]),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "CCurl",
                "JSONValue",
                "YAML",
                "JMESPath",
                "PolicyEngine",
                "KubeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "JSONValue"]),
        .testTarget(name: "JMESPathTests", dependencies: ["JMESPath", "JSONValue"]),
        .testTarget(name: "PolicyEngineTests", dependencies: ["PolicyEngine", "JMESPath", "JSONValue"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "JSONValue"], exclude: ["Fixtures"]),
        .testTarget(name: "VigilCLITests", dependencies: ["JSONValue"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)

// Settings for the project's own targets (not for dependencies): upcoming features and warnings as errors.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.treatAllWarnings(as: .error))
    target.swiftSettings = settings
}
