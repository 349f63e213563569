import JSONValue

/// Kyverno's `ExpandInMetadata`: wildcard keys under `metadata.labels` / `metadata.annotations` of a
/// pattern are replaced by the first resource key they match, so `app.kubernetes.io/*: "?*"` checks the
/// value of the label it found. Only string values are kept, as in Kyverno.
enum MetadataWildcards {
    static func expand(_ pattern: JSONObject, resource: JSONObject) -> JSONObject {
        guard let (metadataKey, patternMetadataValue) = find("metadata", in: pattern),
            case .object(var metadata) = patternMetadataValue,
            let resourceMetadata = resource["metadata"]?.objectValue
        else { return pattern }
        var changed = false
        for tag in ["labels", "annotations"] {
            guard let (patternKey, patternData) = stringMap(tag, metadata),
                let (_, resourceData) = stringMap(tag, resourceMetadata)
            else { continue }
            var expanded = JSONObject()
            for (key, value) in patternData {
                if Wildcard(key).containsWildcards {
                    if let anchor = Anchor(key) {
                        let found = firstMatch(anchor.key, in: resourceData)
                        expanded[Anchor(modifier: anchor.modifier, key: found).text] = .string(value)
                    } else {
                        expanded[firstMatch(key, in: resourceData)] = .string(value)
                    }
                } else {
                    expanded[key] = .string(value)
                }
            }
            metadata[patternKey] = .object(expanded)
            changed = true
        }
        guard changed else { return pattern }
        var result = pattern
        result[metadataKey] = .object(metadata)
        return result
    }

    private static func firstMatch(_ pattern: String, in resource: [(String, String)]) -> String {
        resource.first { Wildcard.matches(pattern, $0.0) }?.0 ?? pattern
    }

    private static func find(_ tag: String, in object: JSONObject) -> (String, JSONValue)? {
        for (key, value) in object where key == tag || Anchor(key)?.key == tag {
            return (key, value)
        }
        return nil
    }

    private static func stringMap(_ tag: String, _ object: JSONObject) -> (String, [(String, String)])? {
        guard let (key, value) = find(tag, in: object), case .object(let map) = value else { return nil }
        return (key, map.compactMap { key, member in member.stringValue.map { (key, $0) } })
    }
}
