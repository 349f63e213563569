/// A failure while evaluating a rule (variable substitution, a context entry, a JMESPath query), with the
/// message Kyverno would put in the rule result.
struct EvaluationError: Error, Sendable, CustomStringConvertible {
    var message: String
    /// True when the failure is a missing key on a plain JMESPath path (`Unknown key "x" in path`).
    var isNotFound: Bool
    /// Report properties the failure adds to the rule's `error` result (`imageError`, `image`).
    var properties: [String: String] = [:]

    init(_ message: String, isNotFound: Bool = false, properties: [String: String] = [:]) {
        self.message = message
        self.isNotFound = isNotFound
        self.properties = properties
    }

    var description: String { message }
}
