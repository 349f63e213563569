import Foundation
import JSONValue

/// The few conversions and defaults of built-in kinds that the local API server applies as kube-apiserver
/// does (it has no general defaulting: see the README's local API server section).
enum BuiltinDefaults {
    static let secrets = GroupResource(group: "", resource: "secrets")

    /// A written object as kube-apiserver stores it: a (Cluster)Role without rules has `"rules": null`; a
    /// Secret's `stringData` is merged into `data` (base64,
    /// `stringData` wins) and dropped, and its `type` defaults to `Opaque`.
    static func apply(_ document: JSONValue, _ resource: GroupResource) -> JSONValue {
        if resource.group == "rbac.authorization.k8s.io", resource.resource.hasSuffix("roles"),
            document["rules"] == nil
        {
            // `rules` has no omitempty: a Role without rules is written with `"rules": null`.
            var role = document
            role["rules"] = .null
            return role
        }
        guard resource == secrets else { return document }
        var secret = document
        if let strings = secret["stringData"]?.objectValue {
            var data = secret["data"]?.objectValue ?? [:]
            for (key, value) in strings {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            secret["data"] = .object(data)
        }
        if secret["stringData"] != nil { secret["stringData"] = nil }
        if (secret["type"]?.stringValue ?? "").isEmpty { secret["type"] = "Opaque" }
        return secret
    }
}
