public import Failures
public import JSONValue

/// Everything the engine reads from outside the policy and the resource. The CLI backs it with values
/// files, the controller with the cluster and registries; the engine itself does no I/O.
///
/// Implementations throw ``ContextProviderError`` (or any error whose description is a useful message);
/// the engine turns it into the rule's `error` result with Kyverno's wording.
public protocol ContextProvider: Sendable {
    /// The labels of a namespace (for `namespaceSelector`).
    func namespaceLabels(namespace: String) async throws -> [String: String]
    /// A ConfigMap object (`{apiVersion, kind, metadata, data}`).
    func configMap(namespace: String, name: String) async throws -> JSONValue
    /// The decoded JSON response of an API call (Kubernetes `urlPath` or a service URL). A failed service
    /// call throws ``ContextProviderError`` with its failure class (`unreachable`, `timeout`, `tls`,
    /// `http-status`, `invalid-json`, `too-large`): it becomes the result's `serviceError` property.
    func apiCall(_ request: APICallRequest) async throws -> JSONValue
    /// Image metadata for a reference, in Kyverno's `imageRegistry` shape
    /// (`{image, resolvedImage, registry, repository, identifier, imageIndex, manifest, configData}`).
    /// Throw ``ContextProviderError`` with the failure class as its kind (`not-found`, `unreachable`,
    /// `timeout`, `tls`, `unauthorized`, `invalid`): it becomes the result's `imageError` property.
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue
    /// The data of a `GlobalContextEntry`: `name` is the entry's name, or `<entry>.<projection>` for one of
    /// its `projections`. Throw ``ContextProviderError`` with kind `not-found` for a missing entry and
    /// `not-ready` for one without data yet; the rule's `error` result then names the entry.
    func globalReference(name: String) async throws -> JSONValue
    /// The Namespace object named `name` (CEL policies' `namespaceObject`), or nil when there is none. The
    /// default builds `{apiVersion: v1, kind: Namespace, metadata: {name, labels}}` from
    /// ``namespaceLabels(namespace:)``.
    func namespaceObject(name: String) async throws -> JSONValue?
    /// The value CEL's `http.Get` / `http.Post` give for a request (Kyverno's `executeRequest`): a JSON object
    /// body with `statusCode` added, any other body as `{body, statusCode}`. The default calls
    /// ``apiCall(_:)`` (so a status outside 200–299 throws) and reports status 200.
    func celHTTPRequest(_ request: APICallRequest) async throws -> JSONValue
    /// What CEL's `image.GetMetadata` gives for a reference. The default is
    /// ``imageData(reference:credentials:)`` without credentials (the registry lookup `imageRegistry` entries
    /// use); the CLI's test runner answers from a context file's `images` instead, as `kyverno test` does.
    func celImageData(reference: String) async throws -> JSONValue
}

extension ContextProvider {
    public func celImageData(reference: String) async throws -> JSONValue {
        try await imageData(reference: reference, credentials: nil)
    }

    public func celHTTPRequest(_ request: APICallRequest) async throws -> JSONValue {
        celHTTPResult(try await apiCall(request))
    }

    /// What CEL's `http` functions give for a successful call's `body`: a JSON object with `statusCode`
    /// added, any other body as `{body, statusCode}`.
    public func celHTTPResult(_ body: JSONValue, statusCode: Int = 200) -> JSONValue {
        if case .object(var object) = body {
            object["statusCode"] = .int(statusCode)
            return .object(object)
        }
        return .object(["body": body, "statusCode": .int(statusCode)])
    }

    public func namespaceObject(name: String) async throws -> JSONValue? {
        let labels = try await namespaceLabels(namespace: name)
        var labelObject = JSONObject()
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { labelObject[key] = .string(value) }
        return .object([
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": .object(["name": .string(name), "labels": .object(labelObject)]),
        ])
    }
}

/// An API call after variable substitution.
public struct APICallRequest: Sendable, Hashable {
    public var urlPath: String?
    public var method: String
    /// The POST body: the `data` entries as a JSON object.
    public var body: JSONValue?
    public var serviceURL: String?
    public var caBundle: String?
    public var headers: [String: String]

    public init(
        urlPath: String?, method: String, body: JSONValue? = nil, serviceURL: String? = nil, caBundle: String? = nil,
        headers: [String: String] = [:]
    ) {
        self.urlPath = urlPath
        self.method = method
        self.body = body
        self.serviceURL = serviceURL
        self.caBundle = caBundle
        self.headers = headers
    }
}

/// Why a provider could not answer.
public struct ContextProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure class (``FailureClass``): the same value from the source that failed to the report.
    public typealias Kind = FailureClass

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A provider with no external data: every lookup fails with `unavailable`; namespaces have no labels.
public struct EmptyContextProvider: ContextProvider {
    public init() {}

    public func namespaceLabels(namespace: String) async throws -> [String: String] { [:] }

    public func configMap(namespace: String, name: String) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "configmaps \"\(name)\" not found")
    }

    public func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no API data for \(request.urlPath ?? request.serviceURL ?? "")")
    }

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no registry data for \(reference)")
    }

    public func globalReference(name: String) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "global context entry \(name) not found")
    }
}
