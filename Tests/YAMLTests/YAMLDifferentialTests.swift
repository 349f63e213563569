import Foundation
import JSONValue
import Testing
import YAML

/// Loads every `.yaml`/`.yml` file under `shared/testdata` with ``YAML/load(bytes:options:)`` and with
/// PyYAML (adjusted to Kubernetes' go-yaml v2 as ``PyYAMLReference/adjustments`` lists), and requires the
/// same documents, or a failure on both sides, for every file.
@Suite struct YAMLDifferentialTests {
    static let testdata = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testdata").standardizedFileURL

    static func yamlFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: testdata, includingPropertiesForKeys: nil) else {
            return []
        }
        var paths: [String] = []
        for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension.lowercased()) {
            paths.append(url.path)
        }
        return paths.sorted()
    }

    @Test func sharedTestdataMatchesPyYAML() throws {
        guard FileManager.default.fileExists(atPath: Self.testdata.path) else {
            Issue.record("skipped: \(Self.testdata.path) does not exist, so the differential test did not run")
            return
        }
        let paths = Self.yamlFiles()
        #expect(paths.count > 100, "expected the shared testdata to hold many YAML files")
        let reference = try PyYAMLReference.load(paths: paths)

        var differences: [String] = []
        var documentCount = 0
        var bothFailed = 0
        for path in paths {
            let relative = String(path.dropFirst(Self.testdata.path.count + 1))
            guard let expected = reference[path] else {
                differences.append("\(relative): PyYAML produced no record")
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                differences.append("\(relative): unreadable: \(error)")
                continue
            }
            switch (Result { () throws(YAMLError) in try YAML.load(bytes: bytes) }, expected.documents) {
            case (.success(let documents), let expectedDocuments?):
                documentCount += documents.count
                if documents.count != expectedDocuments.count {
                    differences.append("\(relative): \(documents.count) documents, PyYAML \(expectedDocuments.count)")
                } else if let index = documents.indices.first(where: { documents[$0] != expectedDocuments[$0] }) {
                    differences.append(
                        "\(relative): document \(index + 1) differs: "
                            + "\(documents[index].serialized().prefix(300)) vs PyYAML "
                            + "\(expectedDocuments[index].serialized().prefix(300))"
                    )
                }
            case (.failure(let error), nil):
                bothFailed += 1
                _ = error
            case (.failure(let error), _?):
                differences.append("\(relative): Vigil failed (\(error)) but PyYAML loaded it")
            case (.success, nil):
                differences.append("\(relative): PyYAML failed (\(expected.error ?? "?")) but Vigil loaded it")
            }
        }
        #expect(
            differences.isEmpty,
            "\(differences.count) of \(paths.count) files differ:\n\(differences.joined(separator: "\n"))"
        )
        #expect(documentCount > 0)
        print("YAML differential: \(paths.count) files, \(documentCount) documents, \(bothFailed) rejected by both")
    }
}
