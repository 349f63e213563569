/// Kubernetes `apiVersion` texts: `group/version`, or just `version` for the core group (`v1`).
public enum APIVersion {
    /// The group (empty for the core group) and the version an `apiVersion` names, split at its first `/`.
    public static func split(_ apiVersion: String) -> (group: String, version: String) {
        guard let slash = apiVersion.firstIndex(of: "/") else { return ("", apiVersion) }
        return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
    }

    /// The `apiVersion` of `version` in `group`.
    public static func join(group: String, version: String) -> String {
        group.isEmpty ? version : "\(group)/\(version)"
    }
}
