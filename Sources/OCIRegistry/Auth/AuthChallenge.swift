/// One `WWW-Authenticate` challenge (RFC 7235): a scheme (`Bearer`, `Basic`) and its parameters
/// (`realm`, `service`, `scope`).
struct AuthChallenge: Sendable, Hashable {
    /// The scheme, lower-cased.
    var scheme: String
    /// Parameters with lower-cased names.
    var parameters: [String: String]

    /// Parses the first challenge of a header value; `nil` when there is no scheme.
    init?(header: String) {
        var rest = Substring(header).drop { $0 == " " }
        let scheme = rest.prefix { $0 != " " && $0 != "," }
        guard !scheme.isEmpty else { return nil }
        self.scheme = scheme.lowercased()
        rest = rest.dropFirst(scheme.count)
        self.parameters = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: " ").lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var index = rest.startIndex
                while index < rest.endIndex {
                    let character = rest[index]
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                    index = rest.index(after: index)
                }
                rest = index < rest.endIndex ? rest[rest.index(after: index)...] : rest[rest.endIndex...]
            } else {
                let token = rest.prefix { $0 != "," && $0 != " " }
                value = String(token)
                rest = rest.dropFirst(token.count)
            }
            // A space before the next name means a second challenge starts: stop at it.
            if name.contains(" ") { break }
            parameters[name] = value
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var result = self
        while result.first == set { result = result.dropFirst() }
        while result.last == set { result = result.dropLast() }
        return result
    }
}
