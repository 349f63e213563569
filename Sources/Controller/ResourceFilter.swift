import PolicyEngine

/// A Kyverno resource filter `[Kind,Namespace,Name]` (wildcards `*` and `?` in each part): objects it
/// matches are not scanned. `Kind` may carry a subresource (`Pod/binding`, `Node/?*`); such a filter only
/// matches subresources, which the background scan never sees.
public struct ResourceFilter: Sendable, Hashable, CustomStringConvertible {
    public var kind: String
    public var subresource: String
    public var namespace: String
    public var name: String

    public init(kind: String, subresource: String = "", namespace: String = "*", name: String = "*") {
        self.kind = kind
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
    }

    /// Parses Kyverno's notation: `[Event,*,*] [*/*,kube-system,*]` (brackets, optionally separated by
    /// spaces or commas). Missing parts are `*`.
    ///
    /// - Throws: ``ResourceFilterError`` for text outside brackets or an empty kind.
    public static func parseList(_ text: String) throws(ResourceFilterError) -> [ResourceFilter] {
        var filters: [ResourceFilter] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" })
            guard !rest.isEmpty else { return filters }
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                throw ResourceFilterError(message: "expected [Kind,Namespace,Name] at \"\(rest.prefix(40))\"")
            }
            let parts = rest[rest.index(after: rest.startIndex)..<close].split(
                separator: ",", omittingEmptySubsequences: false
            ).map { $0.trimmingSpaces() }
            guard let kindPart = parts.first, !kindPart.isEmpty, parts.count <= 3 else {
                throw ResourceFilterError(message: "invalid filter \"\(rest[...close])\"")
            }
            let kindPieces = kindPart.split(separator: "/", maxSplits: 1).map(String.init)
            filters.append(
                ResourceFilter(
                    kind: kindPieces[0], subresource: kindPieces.count > 1 ? kindPieces[1] : "",
                    namespace: parts.count > 1 && !parts[1].isEmpty ? parts[1] : "*",
                    name: parts.count > 2 && !parts[2].isEmpty ? parts[2] : "*"))
            rest = rest[rest.index(after: close)...]
        }
    }

    /// Whether the filter excludes a (top-level) object.
    public func matches(kind objectKind: String, namespace objectNamespace: String, name objectName: String) -> Bool {
        // A subresource filter (`Pod/binding`, `Node/?*`) never matches the object itself; `*/*` does.
        if !subresource.isEmpty, !Wildcard(subresource).matches("") { return false }
        return Wildcard(kind).matches(objectKind) && Wildcard(namespace).matches(objectNamespace)
            && Wildcard(name).matches(objectName)
    }

    public var description: String {
        "[\(subresource.isEmpty ? kind : kind + "/" + subresource),\(namespace),\(name)]"
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

/// `--resource-filters` text that cannot be parsed; the message quotes the offending part.
public struct ResourceFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public var description: String { "--resource-filters: \(message)" }
}
