/// A failed image lookup: its class, the image as written, and a message naming the image and the cause.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; the `class` label of `vigil_registry_lookups_total`.
    public struct Class: Sendable, Hashable, CustomStringConvertible {
        /// The label value: `unreachable`, `timeout`, `tls`, `unauthorized`, `not-found` or `invalid`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Connection refused, host name not resolved, no route, connection lost, or a 5xx answer.
        public static let unreachable = Class("unreachable")
        /// The connect timeout or the total lookup timeout expired.
        public static let timeout = Class("timeout")
        /// The TLS handshake failed (untrusted or mismatched certificate, unusable CA bundle).
        public static let tls = Class("tls")
        /// The registry refused the credentials (or their absence): 401 or 403.
        public static let unauthorized = Class("unauthorized")
        /// The manifest, blob or repository does not exist (`MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, 404).
        public static let notFound = Class("not-found")
        /// The reference does not parse, or the registry answered with something that is not a usable
        /// manifest or config (bad JSON, unknown media type, digest mismatch, no matching platform).
        public static let invalid = Class("invalid")

        /// Every class, in a fixed order.
        public static let all: [Class] = [.unreachable, .timeout, .tls, .unauthorized, .notFound, .invalid]

        /// Whether the failure concerns the registry as a whole (it counts towards the circuit breaker).
        public var isRegistryFailure: Bool { self == .unreachable || self == .timeout || self == .tls }

        public var description: String { rawValue }
    }

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
