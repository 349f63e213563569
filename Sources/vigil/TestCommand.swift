import ArgumentParser
import ExternalData
import JSONValue
import OCIRegistry
import PolicyEngine
import PolicyTesting

/// `vigil test`: run Kyverno CLI test files (`kyverno-test.yaml`) through Vigil's engine and compare every
/// expected result, as `kyverno test` does.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run Kyverno CLI tests (kyverno-test.yaml) and compare the expected results.",
        discussion: """
            Every kyverno-test.yaml under the paths is read with its policies, resources, values file, user \
            information, cluster resources and API call mocks (paths relative to the test file). One line is \
            printed per expected result and resource, then a summary; the command fails when any result \
            differs. Results that need a feature Vigil does not evaluate (mutate, generate, verifyImages, \
            validate.cel, validate.manifests, the newer policy kinds, global context entries) are skipped with \
            the feature named; results of a test whose input files are missing are skipped as \
            "input missing: <path>". Exit status: 0 when nothing failed, 1 when an expected result differs.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: "Test files or directories searched for kyverno-test.yaml.")
    var paths: [String]

    @Option(name: [.short, .customLong("output")], help: "Output format: text, or json (one record per line).")
    var output: OutputFormat = .text

    @OptionGroup(title: "Image registries")
    var registryOptions: LiveLookupOptions<RegistryClientOptions>

    func run() async throws {
        let files: [String]
        do {
            files = try KyvernoTestRunner.testFiles(under: paths)
        } catch {
            throw ValidationError("\(error)")
        }
        let registryClient = try registryOptions.makeClient()
        var imageLookup: ClusterResourcesProvider.ImageLookup?
        if let registryClient {
            imageLookup = { reference, credentials in
                try await RegistryImageDataSource(client: registryClient).imageData(
                    reference: reference, credentials: credentials)
            }
        }
        let runner = KyvernoTestRunner(imageLookup: imageLookup)
        var counts: [KyvernoTestRecord.Status: Int] = [:]
        for file in files {
            for record in await runner.run(testFile: file) {
                counts[record.status, default: 0] += 1
                switch output {
                case .json: print(record.json.serialized(options: .compact))
                case .text: print(Self.line(record))
                }
            }
        }
        await registryClient?.shutdown()
        let passed = counts[.pass, default: 0]
        let failed = counts[.fail, default: 0]
        let skipped = counts[.skip, default: 0]
        if output == .text {
            print("Test summary: \(passed) passed, \(failed) failed, \(skipped) skipped")
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// `PASS file: policy/rule resource (expected pass, got pass)`, with the reason for skips and failures.
    static func line(_ record: KyvernoTestRecord) -> String {
        let rule = record.rule.isEmpty ? record.policy : record.policy + "/" + record.rule
        var line = "\(record.status.rawValue.uppercased()) \(record.file): \(rule) \(record.resource)"
        switch record.status {
        case .skip:
            line += " (expected \(record.expected)): \(record.reason)"
        case .pass, .fail:
            line += " (expected \(record.expected), got \(record.actual.isEmpty ? "-" : record.actual))"
            if !record.reason.isEmpty { line += ": \(record.reason)" }
        }
        return line
    }
}
