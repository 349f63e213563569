public import Failures

/// A failed lookup outside the resource that turned a rule into an `error`: what was looked up and why it
/// failed, typed from the provider's error to the result; ``properties`` renders it as the report
/// properties Vigil adds (`imageError`/`image`, `serviceError`/`service`,
/// `globalContextError`/`globalContextEntry`).
public struct ExternalFailure: Sendable, Hashable {
    /// What was looked up.
    public enum Source: Sendable, Hashable {
        /// An `imageRegistry` lookup of this reference.
        case image(String)
        /// An `apiCall.service` call to this URL.
        case service(String)
        /// A `globalReference` to this GlobalContextEntry.
        case globalContextEntry(String)
    }

    public var source: Source
    public var failureClass: FailureClass

    public init(_ source: Source, _ failureClass: FailureClass) {
        self.source = source
        self.failureClass = failureClass
    }

    /// The failure of `source` that `error` reports: its class when a provider classified it, else
    /// ``FailureClass/other``.
    init(_ source: Source, error: any Error) {
        self.init(source, (error as? ContextProviderError)?.kind ?? .other)
    }

    /// The report properties that show the failure.
    public var properties: [String: String] {
        switch source {
        case .image(let reference):
            [RuleResult.imageErrorProperty: failureClass.rawValue, RuleResult.imageProperty: reference]
        case .service(let url):
            [RuleResult.serviceErrorProperty: failureClass.rawValue, RuleResult.serviceProperty: url]
        case .globalContextEntry(let name):
            [RuleResult.globalContextErrorProperty: failureClass.rawValue, RuleResult.globalContextEntryProperty: name]
        }
    }
}
