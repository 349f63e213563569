import ContainerImages
import JSONValue

/// The `images` variable: every container image of a Pod (or of the Pod template of a controller),
/// grouped as `containers`, `initContainers` and `ephemeralContainers` and keyed by container name, with
/// Kyverno's fields (`registry`, `path`, `name`, `tag`, `digest`, `reference`, `referenceWithTag`,
/// `jsonPointer`, `imagePullSecrets`).
enum ImageInfo {
    static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "DaemonSet": ["spec", "template", "spec"], "Deployment": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"], "ReplicationController": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"], "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    /// The Pod spec of a Pod or of a controller's template, and its path in the resource.
    private static func podSpec(of resource: JSONValue) -> (spec: JSONValue, path: [String])? {
        guard let kind = resource["kind"]?.stringValue, let path = podSpecPaths[kind] else { return nil }
        var spec: JSONValue? = resource
        for key in path { spec = spec?[key] }
        return spec.map { ($0, path) }
    }

    static func images(of resource: JSONValue) -> JSONObject {
        guard let (spec, path) = podSpec(of: resource) else { return [:] }
        var pullSecrets: [JSONValue] = []
        for secret in spec["imagePullSecrets"]?.arrayValue ?? [] {
            if let name = secret["name"]?.stringValue { pullSecrets.append(.string(name)) }
        }
        var result: JSONObject = [:]
        for group in ["initContainers", "containers", "ephemeralContainers"] {
            var infos: JSONObject = [:]
            for (index, container) in (spec[group]?.arrayValue ?? []).enumerated() {
                guard let name = container["name"]?.stringValue, let image = container["image"]?.stringValue,
                    !image.trimmingWhitespace().isEmpty,
                    var info = try? info(for: image)
                else { continue }
                info["jsonPointer"] = .string("/" + (path + [group, String(index)]).joined(separator: "/") + "/image")
                info["imagePullSecrets"] = pullSecrets.isEmpty ? .null : .array(pullSecrets)
                infos[name] = .object(info)
            }
            if !infos.isEmpty { result[group] = .object(infos) }
        }
        return result
    }

    /// The normalised reference of the image of the container `name` (searched in `containers`, then
    /// `initContainers`, then `ephemeralContainers`), as ``images(of:)`` would give it under `reference`;
    /// `nil` when no such container has a valid image. Parses only that one image.
    static func reference(ofContainer name: String, in resource: JSONValue) -> String? {
        guard let (spec, _) = podSpec(of: resource) else { return nil }
        for group in ["containers", "initContainers", "ephemeralContainers"] {
            // The last container of that name wins, as in the `images` map keyed by name.
            guard
                let container = spec[group]?.arrayValue?.last(where: { $0["name"]?.stringValue == name }),
                let image = container["image"]?.stringValue, !image.trimmingWhitespace().isEmpty,
                let reference = try? ImageReference(parsing: image)
            else { continue }
            return reference.description
        }
        return nil
    }

    /// The fields Kyverno's `GetImageInfo` produces for one image reference.
    /// - Throws: ``ImageReferenceError`` for a malformed reference.
    static func info(for image: String) throws(ImageReferenceError) -> JSONObject {
        let reference = try ImageReference(parsing: image)
        var info: JSONObject = [:]
        var registry = reference.registry
        var path = reference.path
        if !registry.isEmpty { info["registry"] = .string(registry) }
        info["name"] = .string(reference.name)
        info["path"] = .string(path)
        if !reference.tag.isEmpty { info["tag"] = .string(reference.tag) }
        if !reference.digest.isEmpty { info["digest"] = .string(reference.digest) }
        info["reference"] = .string(reference.description)
        let tag = reference.tag
        info["referenceWithTag"] = .string(registry.isEmpty ? "\(path):\(tag)" : "\(registry)/\(path):\(tag)")
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 1, registry.isEmpty, parts[0].contains("_") {
            registry = String(parts[0])
            path = parts.dropFirst().joined(separator: "/")
            info["registry"] = .string(registry)
            info["path"] = .string(path)
        }
        return info
    }
}
