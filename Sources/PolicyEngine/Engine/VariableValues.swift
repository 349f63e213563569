public import JSONValue

/// Values supplied from outside instead of computing them, as `kyverno test` values files do: global
/// values for every rule, and values per rule that take the place of the rule's context entries of the
/// same name. Names may be dotted (`request.operation`).
public struct VariableValues: Sendable {
    public var global: [String: JSONValue]
    /// Values by rule name (autogen rules use the values of the rule they came from).
    public var perRule: [String: [String: JSONValue]]
    /// Values per rule for foreach iterations (`foreachValues`): element `i` of a list is the value while the
    /// foreach evaluates its element `i`.
    public var perRuleForeach: [String: [String: [JSONValue]]]

    public init(
        global: [String: JSONValue] = [:], perRule: [String: [String: JSONValue]] = [:],
        perRuleForeach: [String: [String: [JSONValue]]] = [:]
    ) {
        self.global = global
        self.perRule = perRule
        self.perRuleForeach = perRuleForeach
    }

    func foreachValues(forRule name: String) -> [String: [JSONValue]] {
        if let values = perRuleForeach[name] { return values }
        for prefix in ["autogen-cronjob-", "autogen-"] where name.hasPrefix(prefix) {
            if let values = perRuleForeach[String(name.dropFirst(prefix.count))] { return values }
        }
        return [:]
    }

    func values(forRule name: String) -> [String: JSONValue] {
        if let values = perRule[name] { return values }
        for prefix in ["autogen-cronjob-", "autogen-"] where name.hasPrefix(prefix) {
            if let values = perRule[String(name.dropFirst(prefix.count))] { return values }
        }
        return [:]
    }
}
