public import JSONValue
import KubeValues

/// The facts about a resource that match/exclude look at, read once per resource.
public struct ResourceIdentity: Sendable {
    public var group: String
    public var version: String
    public var kind: String
    /// Empty for the resource itself (background scans never evaluate subresources).
    public var subresource: String
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]

    /// Reads apiVersion, kind and metadata from a resource. A missing `metadata.name` falls back to
    /// `metadata.generateName`, as Kyverno does.
    public init(_ resource: JSONValue, subresource: String = "") {
        (group, version) = APIVersion.split(resource["apiVersion"]?.stringValue ?? "")
        kind = resource["kind"]?.stringValue ?? ""
        self.subresource = subresource
        let metadata = resource["metadata"]
        let name = metadata?["name"]?.stringValue ?? ""
        self.name = name.isEmpty ? (metadata?["generateName"]?.stringValue ?? "") : name
        namespace = metadata?["namespace"]?.stringValue ?? ""
        labels = Self.stringMap(metadata?["labels"])
        annotations = Self.stringMap(metadata?["annotations"])
    }

    private static func stringMap(_ value: JSONValue?) -> [String: String] {
        guard let object = value?.objectValue else { return [:] }
        var result: [String: String] = [:]
        for (key, member) in object {
            if let text = member.stringValue { result[key] = text }
        }
        return result
    }
}
