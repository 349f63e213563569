public import Failures

/// A failed image lookup: its class, the image as written, and a message naming the image and the cause.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; the `class` label of `vigil_registry_lookups_total`: `unreachable`,
    /// `timeout`, `tls`, `unauthorized`, `not-found` or `invalid`.
    public typealias Class = FailureClass

    /// What kind of failure this is.
    public var errorClass: Class
    /// The image reference as written in the resource.
    public var image: String
    /// The cause, without the image (for example `GET https://…/manifests/1.0: 404 MANIFEST_UNKNOWN: manifest
    /// unknown`).
    public var cause: String

    /// Creates an error.
    public init(_ errorClass: Class, image: String, cause: String) {
        self.errorClass = errorClass
        self.image = image
        self.cause = cause
    }

    /// `<class>: <image>: <cause>`, e.g. `not-found: ghcr.io/x/y:1.0: GET …: 404 MANIFEST_UNKNOWN: manifest unknown`.
    public var description: String { "\(errorClass): \(image): \(cause)" }

    /// The same failure for another image (a negative-cache or breaker answer for a different reference).
    func forImage(_ other: String) -> RegistryError {
        RegistryError(errorClass, image: other, cause: cause)
    }
}

extension FailureClass {
    /// The classes an image lookup fails with, in a fixed order.
    public static let registryLookupClasses: [FailureClass] = [
        .unreachable, .timeout, .tls, .unauthorized, .notFound, .invalid,
    ]

    /// Whether the failure concerns the registry as a whole (it counts towards the circuit breaker).
    public var isRegistryFailure: Bool { self == .unreachable || self == .timeout || self == .tls }
}
