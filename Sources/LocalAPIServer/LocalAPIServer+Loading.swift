import Foundation
import JSONValue

extension LocalAPIServer {
    /// Stores objects as `kubectl apply` would create them: CustomResourceDefinitions first, then
    /// Namespaces, then everything else; an object that exists is replaced.
    /// - Throws: ``StatusError`` for an object of an unknown kind or an invalid object.
    /// - Returns: how many objects were stored.
    @discardableResult
    public func load(_ objects: [JSONValue]) throws(StatusError) -> Int {
        func rank(_ object: JSONValue) -> Int {
            switch object["kind"]?.stringValue {
            case "CustomResourceDefinition": 0
            case "Namespace": 1
            default: 2
            }
        }
        let ordered = objects.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
        for (_, object) in ordered { try apply(object) }
        return ordered.count
    }

    /// Creates or replaces one object.
    public func apply(_ object: JSONValue) throws(StatusError) {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? ""
        let registry = store.registry
        guard
            let info = registry.resources(group: group, version: version).first(where: { $0.kind == kind })
        else {
            throw StatusError.badRequest("no matches for kind \"\(kind)\" in version \"\(apiVersion)\"")
        }
        let namespace = info.namespaced ? object[path: "metadata", "namespace"]?.stringValue ?? "default" : ""
        let request = RequestInfo(resource: info, namespace: namespace, name: "", subresource: nil, watchPath: false)
        let checked = try APIHandler.checkedIdentity(object, for: request, requireName: true)
        let name = checked[path: "metadata", "name"]?.stringValue ?? ""
        _ = try store.update(info, namespace: namespace, name: name, createIfMissing: true) { _ in checked }
    }

    /// Loads every `.json` file (one object, a List, or concatenated objects) from files and directories.
    /// YAML manifests need the YAML module and are refused with a clear error until it is wired in.
    /// - Throws: ``StatusError`` (415 for YAML, 400 for bad JSON) or a file-system error.
    @discardableResult
    public func load(paths: [String]) throws -> Int {
        var objects: [JSONValue] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw StatusError.badRequest("the path \"\(path)\" does not exist")
            }
            let files: [String]
            if isDirectory.boolValue {
                files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                    .filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .map { (path as NSString).appendingPathComponent($0) }
            } else {
                files = [path]
            }
            for file in files {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                let contentType = file.hasSuffix(".json") ? "application/json" : "application/yaml"
                objects.append(contentsOf: try ManifestDecoder.decode(bytes, contentType: contentType))
            }
        }
        return try load(objects)
    }
}
