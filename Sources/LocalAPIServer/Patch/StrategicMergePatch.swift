import JSONValue

/// Strategic merge patch for built-in kinds, the `application/strategic-merge-patch+json` patch type, to
/// the extent client-side `kubectl apply` uses it.
///
/// Lists of objects merge by their merge key (containers by `name`, ports by `containerPort`/`port`, ...),
/// a few primitive lists merge as sets (`finalizers`), other lists are replaced. Directives handled:
/// `$patch` (`replace`, `delete`, `merge`), `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
/// `$setElementOrder/<field>` (used to order merged lists).
enum StrategicMergePatch {
    /// Merge keys of object lists by field name; the first key present in the elements is used.
    static let mergeKeys: [String: [String]] = [
        "containers": ["name"], "initContainers": ["name"], "ephemeralContainers": ["name"],
        "ports": ["containerPort", "port"], "env": ["name"], "volumeMounts": ["mountPath"],
        "volumeDevices": ["devicePath"], "volumes": ["name"], "imagePullSecrets": ["name"], "hostAliases": ["ip"],
        "conditions": ["type"], "ownerReferences": ["uid"], "topologySpreadConstraints": ["topologyKey"],
        "resourceClaims": ["name"], "taints": ["key"],
    ]

    /// Primitive lists merged as sets.
    static let setLists: Set<String> = ["finalizers"]

    static func apply(_ patch: JSONValue, to target: JSONValue?) throws(StatusError) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        return try mergeObject(patchObject, into: target?.objectValue ?? [:])
    }

    private static func mergeObject(_ patch: JSONObject, into original: JSONObject) throws(StatusError) -> JSONValue {
        var patch = patch
        if let directive = patch.removeValue(forKey: "$patch")?.stringValue {
            switch directive {
            case "replace": return try mergeObject(patch, into: [:])
            case "delete": return .null
            case "merge": break
            default: throw StatusError.badRequest("Unknown patch type: \(directive)")
            }
        }
        var result = original
        let retainKeys = patch.removeValue(forKey: "$retainKeys")?.arrayValue?.compactMap(\.stringValue)
        var orders: [String: [JSONValue]] = [:]
        for (key, value) in patch {
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = value.arrayValue ?? []
            } else if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removed = value.arrayValue ?? []
                if let list = result[field]?.arrayValue {
                    result[field] = .array(list.filter { !removed.contains($0) })
                }
            }
        }
        for (key, value) in patch where !key.hasPrefix("$") {
            switch value {
            case .null:
                result.removeValue(forKey: key)
            case .object(let child):
                let merged = try mergeObject(child, into: result[key]?.objectValue ?? [:])
                if merged.isNull { result.removeValue(forKey: key) } else { result[key] = merged }
            case .array(let elements):
                result[key] = try mergeList(key, elements, into: result[key]?.arrayValue ?? [], order: orders[key])
            default:
                result[key] = value
            }
        }
        for (key, order) in orders where patch[key] == nil {
            if let list = result[key]?.arrayValue { result[key] = .array(reorder(list, key: key, by: order)) }
        }
        if let retainKeys {
            result = result.filter { retainKeys.contains($0.key) }
        }
        return .object(result)
    }

    private static func mergeList(
        _ field: String, _ patch: [JSONValue], into original: [JSONValue], order: [JSONValue]?
    )
        throws(StatusError) -> JSONValue
    {
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return .array(patch.filter { $0["$patch"] == nil })
        }
        if setLists.contains(field) {
            var merged = original
            for value in patch where !merged.contains(value) { merged.append(value) }
            return .array(merged)
        }
        let elements = original + patch
        guard let candidates = mergeKeys[field],
            let mergeKey = candidates.first(where: { key in elements.contains { $0[key] != nil } }),
            patch.allSatisfy({ $0.objectValue != nil })
        else {
            return .array(patch)
        }
        var merged = original
        for element in patch {
            guard let object = element.objectValue else { continue }
            let keyValue = object[mergeKey]
            let index = merged.firstIndex { $0[mergeKey] == keyValue }
            if object["$patch"]?.stringValue == "delete" {
                if let index { merged.remove(at: index) }
                continue
            }
            if let index {
                merged[index] = try mergeObject(object, into: merged[index].objectValue ?? [:])
            } else {
                merged.append(try mergeObject(object, into: [:]))
            }
        }
        if let order { return .array(reorder(merged, key: field, by: order)) }
        return .array(normalizedOrder(merged, patch: patch, original: original, mergeKey: mergeKey))
    }

    /// The order apimachinery's `normalizeElementOrder` gives a merged list: the patch's elements in patch
    /// order and the server-only ones in their order, interleaved so that a server-only element comes first
    /// only when both are on the server and it was before there (new elements lead).
    private static func normalizedOrder(
        _ merged: [JSONValue], patch: [JSONValue], original: [JSONValue], mergeKey: String
    ) -> [JSONValue] {
        let patchKeys = patch.compactMap { $0[mergeKey] }
        let originalKeys = original.compactMap { $0[mergeKey] }
        let patched = patchKeys.compactMap { key in merged.first { $0[mergeKey] == key } }
        let serverOnly = merged.filter { element in !patchKeys.contains { $0 == element[mergeKey] } }
        var result: [JSONValue] = []
        var left = serverOnly[...]
        var right = patched[...]
        while let next = left.first ?? right.first {
            if let server = left.first, let patchedElement = right.first {
                let serverIndex = originalKeys.firstIndex { $0 == server[mergeKey] }
                let patchIndex = originalKeys.firstIndex { $0 == patchedElement[mergeKey] }
                if let serverIndex, let patchIndex, serverIndex < patchIndex {
                    result.append(left.removeFirst())
                } else {
                    result.append(right.removeFirst())
                }
            } else {
                result.append(next)
                if left.isEmpty { right.removeFirst() } else { left.removeFirst() }
            }
        }
        return result
    }

    /// Orders elements as `$setElementOrder` lists them; unlisted elements keep their place at the end.
    private static func reorder(_ list: [JSONValue], key field: String, by order: [JSONValue]) -> [JSONValue] {
        let mergeKey = mergeKeys[field]?.first { key in list.contains { $0[key] != nil } } ?? field
        var remaining = list
        var result: [JSONValue] = []
        for entry in order {
            let wanted = entry.objectValue != nil ? entry[mergeKey] : entry
            if let index = remaining.firstIndex(where: { ($0.objectValue != nil ? $0[mergeKey] : $0) == wanted }) {
                result.append(remaining.remove(at: index))
            }
        }
        return result + remaining
    }
}
