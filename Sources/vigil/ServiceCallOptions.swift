import ArgumentParser
import ExternalData
import PolicyEngine

/// The limits of `apiCall.service` calls (`vigil run`, and `vigil apply` with `--service-calls`), with the
/// meaning of Kyverno's `--apiCallTimeout` and `--maxAPICallResponseLength`. Each option falls back to the
/// environment variable named in its help when `environment` is given.
///
/// Without `--service-calls`, `vigil apply` answers service calls only from mocks (as the Kyverno CLI does).
struct ServiceCallClientOptions: ParsableArguments {
    @Option(
        name: .customLong("api-call-timeout"),
        help: ArgumentHelp(
            "How long one service call may take, such as 30s (Kyverno's apiCallTimeout; default 30s). "
                + "Env: VIGIL_API_CALL_TIMEOUT.", valueName: "duration"))
    var apiCallTimeout: String?

    @Option(
        name: .customLong("max-api-call-response-length"),
        help: ArgumentHelp(
            "The largest service response in bytes; 0 for no limit (Kyverno's maxAPICallResponseLength; default "
                + "2000000). Env: VIGIL_MAX_API_CALL_RESPONSE_LENGTH.", valueName: "bytes"))
    var maxAPICallResponseLength: Int?

    /// The client configuration the options describe.
    /// - Throws: `ValidationError` for a timeout that is not a positive duration or a negative length.
    func configuration(environment: [String: String]) throws -> ServiceCallClient.Configuration {
        var configuration = ServiceCallClient.Configuration()
        let timeoutText = apiCallTimeout ?? environment["VIGIL_API_CALL_TIMEOUT"].flatMap { $0.isEmpty ? nil : $0 }
        if let timeoutText {
            guard let parsed = try? GoDuration(parsing: timeoutText), parsed.nanoseconds > 0 else {
                throw ValidationError("--api-call-timeout must be a positive duration such as 30s, not \(timeoutText)")
            }
            configuration.timeout = .nanoseconds(parsed.nanoseconds)
        }
        let lengthText =
            maxAPICallResponseLength.map(String.init)
            ?? environment["VIGIL_MAX_API_CALL_RESPONSE_LENGTH"].flatMap { $0.isEmpty ? nil : $0 }
        if let lengthText {
            guard let length = Int(lengthText), length >= 0 else {
                throw ValidationError("--max-api-call-response-length must be a number of bytes, not \(lengthText)")
            }
            configuration.maximumResponseLength = length
        }
        return configuration
    }

    /// The client the options describe.
    /// - Throws: `ValidationError` for bad options or when libcurl cannot start.
    func makeClient(environment: [String: String]) throws -> ServiceCallClient {
        let configuration = try configuration(environment: environment)
        return try starting("service call client") { try ServiceCallClient(configuration: configuration) }
    }
}

extension ServiceCallClientOptions: LiveLookupClientOptions {
    static let flagName = "service-calls"
    static let flagHelp = "Call live services for apiCall.service context entries (otherwise they fail as unavailable)."
}
