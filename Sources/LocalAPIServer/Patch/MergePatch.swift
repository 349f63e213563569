import JSONValue

/// JSON merge patch (RFC 7386), the `application/merge-patch+json` patch type.
enum MergePatch {
    /// Applies `patch` to `target`: objects merge recursively, `null` deletes a member, anything else
    /// replaces.
    static func apply(_ patch: JSONValue, to target: JSONValue?) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target?.objectValue ?? [:]
        for (key, value) in patchObject {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key])
            }
        }
        return .object(result)
    }
}
