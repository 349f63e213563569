/// A controller setting that cannot be used.
public struct ControllerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The flag (or setting) at fault, such as `--resource-filters`.
    public var flag: String
    public var message: String

    public init(flag: String, message: String) {
        self.flag = flag
        self.message = message
    }

    public var description: String { "\(flag): \(message)" }
}
