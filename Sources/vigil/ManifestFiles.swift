import Foundation
import JSONValue
import YAML

/// Reading manifests from files and directories, shared by `apply`, `run` and `demo`.
enum ManifestFiles {
    /// A file that could not be read or parsed.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The given file, or the `.yaml`, `.yml` and `.json` files under the given directory (recursively,
    /// sorted).
    /// - Throws: ``Problem`` when the path does not exist.
    static func files(at path: String) throws(Problem) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(description: "\(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let entries = FileManager.default.enumerator(atPath: path)?.allObjects.compactMap { $0 as? String } ?? []
        return entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .sorted().map { path + "/" + $0 }
    }

    /// Every non-null document of one file with its index.
    /// - Throws: ``Problem`` naming the file when it cannot be read or parsed.
    static func documents(inFile file: String) throws(Problem) -> [(Int, JSONValue)] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Problem(description: "\(file): cannot be read as UTF-8 text")
        }
        do {
            return try YAML.load(text).enumerated().filter { !$0.element.isNull }.map { ($0.offset, $0.element) }
        } catch {
            throw Problem(description: "\(file): \(error)")
        }
    }

    /// Every non-null document under the given paths.
    /// - Throws: ``Problem`` at the first path or file that cannot be read.
    static func documents(_ paths: [String]) throws(Problem) -> [JSONValue] {
        var result: [JSONValue] = []
        for path in paths {
            for file in try files(at: path) {
                result += try documents(inFile: file).map(\.1)
            }
        }
        return result
    }
}
