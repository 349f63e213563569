/// A failure while evaluating a rule (variable substitution, a context entry, a JMESPath query), with the
/// message Kyverno would put in the rule result.
struct EvaluationError: Error, Sendable, CustomStringConvertible {
    var message: String
    /// True when the failure is a missing key on a plain JMESPath path (`Unknown key "x" in path`).
    var isNotFound: Bool
    /// The failed external lookup behind the error, carried to the rule's `error` result.
    var failure: ExternalFailure?

    init(_ message: String, isNotFound: Bool = false, failure: ExternalFailure? = nil) {
        self.message = message
        self.isNotFound = isNotFound
        self.failure = failure
    }

    var description: String { message }
}
