import JSONValue

/// The servable resources: the built-in kinds plus the kinds of every stored CustomResourceDefinition.
///
/// A value type kept inside the ``Store``'s locked state, so a CRD's kinds become servable in the same
/// step that stores the CRD.
public struct ResourceRegistry: Sendable {
    /// Every served resource version, keyed by group, version and plural.
    private var resources: [ResourceKey: ResourceInfo] = [:]
    /// The CRD name (`plural.group`) that declared each custom group/resource.
    private var crdResources: [String: GroupResource] = [:]

    struct ResourceKey: Hashable {
        var group: String
        var version: String
        var plural: String
    }

    /// A registry with the built-in kinds.
    public init() {
        for info in BuiltinResources.all { add(info) }
    }

    private mutating func add(_ info: ResourceInfo) {
        resources[ResourceKey(group: info.group, version: info.version, plural: info.plural)] = info
    }

    /// The resource served at `/apis/<group>/<version>/<plural>` (or `/api/v1/<plural>`).
    public func resolve(group: String, version: String, plural: String) -> ResourceInfo? {
        resources[ResourceKey(group: group, version: version, plural: plural)]
    }

    /// Whether any resource is served in this group and version.
    public func serves(group: String, version: String) -> Bool {
        resources.keys.contains { $0.group == group && $0.version == version }
    }

    /// The served versions of a group, most preferred first (Kubernetes version priority).
    public func versions(ofGroup group: String) -> [String] {
        let versions = Set(resources.keys.filter { $0.group == group }.map(\.version))
        return versions.sorted(by: Self.versionPrecedes)
    }

    /// The groups, core (`""`) first, then the others in name order.
    public func groups() -> [String] {
        let names = Set(resources.keys.map(\.group))
        return names.sorted { lhs, rhs in
            if lhs.isEmpty != rhs.isEmpty { return lhs.isEmpty }
            return lhs < rhs
        }
    }

    /// The resources of one group version, in plural order.
    public func resources(group: String, version: String) -> [ResourceInfo] {
        resources.values.filter { $0.group == group && $0.version == version }.sorted { $0.plural < $1.plural }
    }

    /// Every served version of a group/resource (the same stored objects).
    public func versions(of groupResource: GroupResource) -> [ResourceInfo] {
        resources.values.filter { $0.groupResource == groupResource }.sorted {
            Self.versionPrecedes($0.version, $1.version)
        }
    }

    /// The group/resource a stored CRD (by its `metadata.name`) declared, if it is registered.
    func customResource(declaredBy crdName: String) -> GroupResource? {
        crdResources[crdName]
    }

    /// Registers the kinds of a CustomResourceDefinition, replacing what an earlier version of it declared.
    ///
    /// - Throws: ``StatusError`` 422 when the definition lacks its group, names or versions, or its name
    ///   is not `<plural>.<group>`.
    mutating func register(crd: JSONValue) throws(StatusError) {
        let infos = try Self.resourceInfos(crd: crd)
        let name = crd[path: "metadata", "name"]?.stringValue ?? ""
        unregister(crdName: name)
        for info in infos { add(info) }
        if let first = infos.first { crdResources[name] = first.groupResource }
    }

    /// Removes the kinds a CRD declared.
    mutating func unregister(crdName: String) {
        guard let groupResource = crdResources.removeValue(forKey: crdName) else { return }
        resources = resources.filter { $0.value.groupResource != groupResource }
    }

    /// The resource infos a CRD declares, one per served version.
    static func resourceInfos(crd: JSONValue) throws(StatusError) -> [ResourceInfo] {
        let name = crd[path: "metadata", "name"]?.stringValue ?? ""
        var causes: [StatusError.Cause] = []
        func require(_ value: String?, _ field: String) -> String {
            guard let value, !value.isEmpty else {
                causes.append(.init(type: "FieldValueRequired", message: "Required value", field: field))
                return ""
            }
            return value
        }
        let group = require(crd[path: "spec", "group"]?.stringValue, "spec.group")
        let plural = require(crd[path: "spec", "names", "plural"]?.stringValue, "spec.names.plural")
        let kind = require(crd[path: "spec", "names", "kind"]?.stringValue, "spec.names.kind")
        let scope = crd[path: "spec", "scope"]?.stringValue ?? ""
        if scope != "Namespaced" && scope != "Cluster" {
            causes.append(
                .init(
                    type: "FieldValueNotSupported",
                    message: "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\"",
                    field: "spec.scope"))
        }
        if !plural.isEmpty, !group.isEmpty, name != "\(plural).\(group)" {
            causes.append(
                .init(
                    type: "FieldValueInvalid",
                    message: "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group",
                    field: "metadata.name"))
        }
        let versions = crd[path: "spec", "versions"]?.arrayValue ?? []
        if versions.isEmpty {
            causes.append(.init(type: "FieldValueRequired", message: "Required value", field: "spec.versions"))
        }
        if versions.filter({ $0["storage"]?.boolValue == true }).count != 1, !versions.isEmpty {
            causes.append(
                .init(
                    type: "FieldValueInvalid",
                    message: "Invalid value: must have exactly one version marked as storage version",
                    field: "spec.versions"))
        }
        guard causes.isEmpty else {
            throw StatusError.invalid(
                kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, causes: causes)
        }
        let names = crd[path: "spec", "names"]
        let singular = names?["singular"]?.stringValue ?? kind.lowercased()
        let shortNames = names?["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let categories = names?["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var infos: [ResourceInfo] = []
        for version in versions where version["served"]?.boolValue ?? true {
            guard let versionName = version["name"]?.stringValue else { continue }
            let columns = version["additionalPrinterColumns"]?.arrayValue?.compactMap { column -> PrinterColumn? in
                guard let name = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else {
                    return nil
                }
                return PrinterColumn(
                    name: name, type: column["type"]?.stringValue ?? "string",
                    format: column["format"]?.stringValue ?? "", description: column["description"]?.stringValue ?? "",
                    priority: column["priority"]?.intValue ?? 0, jsonPath: path)
            }
            let selectable = version["selectableFields"]?.arrayValue?.compactMap { field -> String? in
                guard let path = field["jsonPath"]?.stringValue else { return nil }
                return path.hasPrefix(".") ? String(path.dropFirst()) : path
            }
            infos.append(
                ResourceInfo(
                    group: group, version: versionName, kind: kind, plural: plural, singular: singular,
                    shortNames: shortNames, namespaced: scope == "Namespaced",
                    hasStatus: version[path: "subresources", "status"] != nil, categories: categories,
                    isCustom: true, printerColumns: columns ?? [], selectableFields: selectable ?? [],
                    isStorageVersion: version["storage"]?.boolValue == true))
        }
        return infos
    }

    /// Kubernetes version priority: GA before beta before alpha, higher numbers first, others by name last.
    static func versionPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = parseKubeVersion(lhs)
        let right = parseKubeVersion(rhs)
        switch (left, right) {
        case (nil, nil): return lhs < rhs
        case (nil, _): return false
        case (_, nil): return true
        case (let l?, let r?):
            if l.stage != r.stage { return l.stage < r.stage }
            if l.major != r.major { return l.major > r.major }
            return l.minor > r.minor
        }
    }

    /// `v2` → (0, 2, 0); `v1beta1` → (1, 1, 1); `v1alpha2` → (2, 1, 2); anything else → nil.
    private static func parseKubeVersion(_ version: String) -> (stage: Int, major: Int, minor: Int)? {
        guard version.hasPrefix("v") else { return nil }
        let rest = version.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let major = Int(digits), !digits.isEmpty, !digits.hasPrefix("0") else { return nil }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return (0, major, 0) }
        for (stage, word) in [(1, "beta"), (2, "alpha")] where tail.hasPrefix(word) {
            let number = tail.dropFirst(word.count)
            guard let minor = Int(number), !number.isEmpty else { return nil }
            return (stage, major, minor)
        }
        return nil
    }
}
