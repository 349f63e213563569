import JSONValue

/// Builds API paths and queries.
public enum ResourcePath {
    /// The path of a resource collection or object:
    /// `/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]`, or `/apis/{group}/{version}/...`.
    ///
    /// A `nil` namespace on a namespaced resource addresses all namespaces.
    public static func path(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        name: String? = nil,
        subresource: String? = nil
    ) -> String {
        var path = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        if let namespace, !namespace.isEmpty { path += "/namespaces/\(escape(namespace))" }
        path += "/\(resource.resource)"
        if let name {
            path += "/\(escape(name))"
            if let subresource { path += "/\(subresource)" }
        }
        return path
    }

    /// Appends a query (`?a=1&b=2`), percent-encoding values; empty items are left out.
    public static func withQuery(_ path: String, _ items: [(String, String?)]) -> String {
        let encoded = items.compactMap { name, value -> String? in
            guard let value else { return nil }
            return "\(name)=\(escape(value))"
        }
        return encoded.isEmpty ? path : path + "?" + encoded.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (byte < 16 ? "0" + hex : hex)
            }
        }
        return result
    }
}
