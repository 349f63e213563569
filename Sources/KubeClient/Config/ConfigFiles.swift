import Foundation
import JSONValue

/// File access for configuration loading. Reads happen once at start-up (and for token files, at most
/// once a minute), on small files.
enum ConfigFiles {
    /// Reads a file named by configuration field `field` of `configFile`.
    /// - Throws: ``KubeConfigError`` `.fileNotFound` or `.unreadableFile`, naming the field.
    static func read(_ path: String, field: String?, configFile: String?) throws(KubeConfigError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KubeConfigError(.fileNotFound, file: configFile, field: field, "file \(path) not found")
        }
        guard !isDirectory.boolValue else {
            throw KubeConfigError(.unreadableFile, file: configFile, field: field, "\(path) is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError(.unreadableFile, file: configFile, field: field, "file \(path) cannot be read")
        }
        return [UInt8](data)
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// The folder of a file path, for resolving relative paths inside it.
    static func directory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let slash = absolute.lastIndex(of: "/") else { return "." }
        return slash == absolute.startIndex ? "/" : String(absolute[..<slash])
    }

    /// Parses a configuration document: JSON, or YAML (of which JSON is a subset).
    static func parseDocument(_ bytes: [UInt8], file: String) throws(KubeConfigError) -> JSONValue {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.allSatisfy(\.isWhitespace) { return .null }
        do {
            return try YAMLDocuments.parseSingle(text)
        } catch {
            throw KubeConfigError(.malformedDocument, file: file, "\(error)")
        }
    }
}
