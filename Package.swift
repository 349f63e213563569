// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "JSONValue", targets: ["JSONValue"]),
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "YAML", targets: ["YAML"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
        .library(name: "LocalAPIServer", targets: ["LocalAPIServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
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
        .target(name: "ContainerImages"),
        .target(name: "KubeValues"),
        .target(name: "Failures"),
        .target(name: "LookupCaching"),
        .target(
            name: "CEL",
            dependencies: [
                "JSONValue", "KubeValues", .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "PolicyEngine",
            dependencies: [
                "CEL",
                "CZlib",
                "Failures",
                "ContainerImages",
                "KubeValues",
                "JSONValue",
                "JMESPath",
                "YAML",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(name: "PolicyTesting", dependencies: ["PolicyEngine", "JSONValue", "YAML"]),
        .target(
            name: "HTTPClient",
            dependencies: [
                "CCurl",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                "JSONValue", "YAML", "HTTPClient", "KubeValues", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LocalAPIServer",
            dependencies: [
                "JSONValue",
                "YAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP2", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OCIRegistry",
            dependencies: [
                "ContainerImages",
                "Failures",
                "HTTPClient",
                "JSONValue",
                "LookupCaching",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "PolicyReports", dependencies: ["PolicyEngine", "JSONValue"]),
        .target(
            name: "Observability",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ExternalData",
            dependencies: [
                "Failures", "JSONValue", "HTTPClient", "KubeClient", "LookupCaching", "OCIRegistry", "PolicyEngine",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Controller",
            dependencies: [
                "ExternalData",
                "Failures",
                "JSONValue",
                "KubeClient",
                "PolicyEngine",
                "PolicyReports",
                "OCIRegistry",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LocalServices",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "CCurl",
                "ExternalData",
                "Failures",
                "LocalAPIServer",
                "KubeClient",
                "JSONValue",
                "YAML",
                "JMESPath",
                "CEL",
                "PolicyEngine",
                "PolicyTesting",
                "PolicyReports",
                "OCIRegistry",
                "Observability",
                "Controller",
                "LocalServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "JSONValue", "JMESPath", "CEL", "Failures", "PolicyEngine", "HTTPClient", "LocalAPIServer",
                "OCIRegistry",
                "LocalServices", "KubeClient", "Controller", "ExternalData", "YAML",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/VigilBench"
        ),
        .testTarget(name: "JSONValueTests", dependencies: ["JSONValue"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "JSONValue"]),
        .testTarget(name: "JMESPathTests", dependencies: ["JMESPath", "JSONValue"]),
        .testTarget(
            name: "PolicyEngineTests",
            dependencies: ["PolicyEngine", "Failures", "KubeValues", "JMESPath", "JSONValue", "YAML"],
            exclude: ["Functions/Fixtures"]
        ),
        .testTarget(
            name: "CELTests",
            dependencies: [
                "CEL", "JSONValue", "YAML", .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(name: "ContainerImagesTests", dependencies: ["ContainerImages"]),
        .testTarget(name: "LookupCachingTests", dependencies: ["LookupCaching"]),
        .target(
            name: "RegistryTestSupport",
            dependencies: ["LocalServices"],
            path: "Tests/RegistryTestSupport"
        ),
        .testTarget(
            name: "OCIRegistryTests",
            dependencies: [
                "OCIRegistry", "Failures", "RegistryTestSupport", "ContainerImages", "HTTPClient", "JSONValue",
            ]
        ),
        .testTarget(
            name: "ExternalDataTests",
            dependencies: ["ExternalData", "Failures", "PolicyEngine", "JSONValue", "RegistryTestSupport"]
        ),
        .testTarget(name: "PolicyTestingTests", dependencies: ["PolicyTesting", "PolicyEngine", "JSONValue"]),
        .testTarget(name: "VigilCLITests", dependencies: ["JSONValue", "RegistryTestSupport", "YAML"]),
        .testTarget(
            name: "HTTPClientTests",
            dependencies: [
                "HTTPClient",
                "RegistryTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LocalAPIServerTests", dependencies: ["LocalAPIServer", "JSONValue"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "LocalAPIServer", "KubeClient", "JSONValue", "YAML", "HTTPClient", "Observability",
                "RegistryTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "PolicyReportsTests", dependencies: ["PolicyReports", "PolicyEngine", "JSONValue"]),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "ExternalData", "Failures", "PolicyReports", "PolicyEngine", "KubeClient",
                "LocalAPIServer", "JSONValue", "YAML",
                "RegistryTestSupport", "RealClusterSupport", "Observability",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RealClusterSupport",
            dependencies: ["KubeClient", "JSONValue"],
            path: "Tests/RealClusterSupport"
        ),
        .testTarget(
            name: "RealClusterTests",
            dependencies: [
                "RealClusterSupport", "KubeClient", "Controller", "PolicyReports", "PolicyEngine", "JSONValue", "YAML",
                "HTTPClient", "RegistryTestSupport", "LocalAPIServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "JSONValue"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability",
                "KubeClient",
                "HTTPClient",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
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
