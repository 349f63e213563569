import JSONValue

/// `vigil apply -o json` results as one line each, `STATUS Kind namespace/name: policy P rule R: message`,
/// for tests that search results by resource, policy and status.
enum ApplyResultLines {
    static func lines(_ stdout: String) throws -> [String] {
        let document = try JSONValue.parse(Array(stdout.utf8))
        return (document["results"]?.arrayValue ?? []).map { result in
            let status = (result["result"]?.stringValue ?? "?").uppercased()
            let kind = result[path: "resource", "kind"]?.stringValue ?? "?"
            let namespace = result[path: "resource", "namespace"]?.stringValue ?? ""
            let name = result[path: "resource", "name"]?.stringValue ?? "?"
            let resource = kind + " " + (namespace.isEmpty ? "" : namespace + "/") + name
            let policy = result["policy"]?.stringValue ?? "?"
            let rule = result["rule"]?.stringValue ?? "?"
            return "\(status) \(resource): policy \(policy) rule \(rule): \(result["message"]?.stringValue ?? "")"
        }
    }
}
