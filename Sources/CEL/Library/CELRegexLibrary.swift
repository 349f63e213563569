import KubeValues

/// Kubernetes' regex library (`library.Regex`, regex.go): `<string>.find(<regex>)` (the first match, `''`
/// when none) and `<string>.findAll(<regex>[, <limit>])` (every match, at most `limit` when it is not
/// negative; empty matches that touch the previous match are skipped, as Go's `FindAllString` does), with
/// Go RE2 syntax and semantics (``KubeValues/GoRegex``). A literal pattern is compiled once.
public struct CELRegexLibrary: CELLibrary {
    public init() {}

    static func find(_ regex: GoRegex, _ text: CELValue) -> CELValue {
        guard case .string(let text) = text else { return .error(.noMatchingOverload("find")) }
        guard let range = regex.firstMatch(in: text) else { return .string("") }
        return .string(String(text.unicodeScalars[range]))
    }

    static func findAll(_ regex: GoRegex, _ text: CELValue, _ limit: CELValue?) -> CELValue {
        guard case .string(let text) = text else { return .error(.noMatchingOverload("findAll")) }
        var count = -1
        if let limit {
            guard case .int(let value) = limit else { return .error(.noMatchingOverload("findAll")) }
            count = Int(clamping: value)
        }
        if count == 0 { return .list(CELList([])) }
        var results: [CELValue] = []
        for captures in regex.allMatches(in: text) {
            guard let whole = captures.first ?? nil else { continue }
            results.append(.string(String(text.unicodeScalars[whole])))
            if count > 0, results.count == count { break }
        }
        return .list(CELList(results))
    }

    static func compile(_ pattern: CELValue, function: String) -> Result<GoRegex, CELError> {
        guard case .string(let pattern) = pattern else { return .failure(.noMatchingOverload(function)) }
        do throws(GoRegexError) {
            return .success(try GoRegex(pattern))
        } catch {
            return .failure(CELError("Illegal regex: \(error.description)"))
        }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            CELOverload(
                "find", receiver: true, [.string, .string],
                body: .binary { text, pattern in
                    switch Self.compile(pattern, function: "find") {
                    case .success(let regex): return Self.find(regex, text)
                    case .failure(let error): return .error(error)
                    }
                },
                specialize: { constants in
                    guard constants.count == 2, let pattern = constants[1] else { return nil }
                    switch Self.compile(pattern, function: "find") {
                    case .success(let regex):
                        let shared = SharedRegex(regex)
                        return .binary { text, _ in Self.find(shared.regex, text) }
                    case .failure(let error):
                        return .binary { _, _ in .error(error) }
                    }
                }))
        for withLimit in [false, true] {
            let kinds: [CELKind] = withLimit ? [.string, .string, .int] : [.string, .string]
            registry.add(
                CELOverload(
                    "findAll", receiver: true, kinds,
                    body: .variadic { values in
                        switch Self.compile(values[1], function: "findAll") {
                        case .success(let regex): return Self.findAll(regex, values[0], values.dropFirst(2).first)
                        case .failure(let error): return .error(error)
                        }
                    },
                    specialize: { constants in
                        guard constants.count >= 2, let pattern = constants[1] else { return nil }
                        switch Self.compile(pattern, function: "findAll") {
                        case .success(let regex):
                            let shared = SharedRegex(regex)
                            return .variadic { values in
                                Self.findAll(shared.regex, values[0], values.dropFirst(2).first)
                            }
                        case .failure(let error):
                            return .variadic { _ in .error(error) }
                        }
                    }))
        }
    }
}
