import Failures
import Foundation
public import JSONValue
public import PolicyEngine

/// A ``ContextProvider`` that answers from a list of objects, as `kyverno test` answers from
/// `clusterResources` and context files: ConfigMaps by namespace and name, API GETs of Kubernetes paths
/// (one object or a list), namespace labels from Namespace objects, and service calls from the test's
/// `apiCallResponses` mocks (matched by method and URL or URL path; a mock without a method matches any),
/// and `globalReference` entries from `globalContextEntries` mocks.
public struct ClusterResourcesProvider: ContextProvider {
    /// The cluster objects the provider serves.
    public let objects: [JSONValue]
    /// `apiCallResponses` entries: `method`, `url`, `response.body`.
    public let apiCallResponses: [JSONValue]
    /// Answers `imageData` (a live registry client); `nil` fails every image lookup as unavailable.
    public let imageLookup: ImageLookup?
    /// GlobalContextEntry data by name (the test file's `globalContextEntries`).
    public let globalContextEntries: [String: JSONValue]
    /// A context file's `images`, by image as written: when set, CEL's `image.GetMetadata` answers only
    /// from them, as `kyverno test` does.
    public let contextImages: [String: JSONValue]?

    /// An image lookup: reference and the policy's credentials settings to Kyverno's image data.
    public typealias ImageLookup = @Sendable (String, ImageRegistryCredentials?) async throws -> JSONValue

    /// - Parameters:
    ///   - objects: the cluster objects (ConfigMaps, Namespaces, any object an API GET may read).
    ///   - apiCallResponses: mocked service responses from a test file.
    ///   - imageLookup: answers `imageRegistry` entries; `nil` fails them as unavailable.
    ///   - globalContextEntries: the data of `globalReference` entries, by entry name.
    ///   - contextImages: a context file's `images` (``KyvernoTestInputs/contextImages``); nil when there
    ///     are none.
    public init(
        objects: [JSONValue], apiCallResponses: [JSONValue] = [], imageLookup: ImageLookup? = nil,
        globalContextEntries: [String: JSONValue] = [:], contextImages: [String: JSONValue]? = nil
    ) {
        self.objects = objects
        self.apiCallResponses = apiCallResponses
        self.imageLookup = imageLookup
        self.globalContextEntries = globalContextEntries
        self.contextImages = contextImages
    }

    /// From the context file's `images` when it has any (Kyverno's `FakeContextProvider.GetImageData`:
    /// an image not among them is an error); otherwise the registry lookup.
    public func celImageData(reference: String) async throws -> JSONValue {
        guard let contextImages else { return try await imageData(reference: reference, credentials: nil) }
        guard let data = contextImages[reference] else {
            throw ContextProviderError(.notFound, "image data for \(reference) not found in the context")
        }
        return data
    }

    private func plural(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("s") { return lower + "es" }
        if lower.hasSuffix("y") { return String(lower.dropLast()) + "ies" }
        return lower + "s"
    }

    public func namespaceLabels(namespace: String) async throws -> [String: String] {
        guard
            let object = objects.first(where: {
                $0["kind"]?.stringValue == "Namespace" && $0["metadata"]?["name"]?.stringValue == namespace
            })
        else { return [:] }
        return ResourceIdentity(object).labels
    }

    /// The Namespace object among the cluster objects (from values files' `namespaces` and
    /// `namespaceSelector`, or cluster resources); nil when there is none, as the Kyverno CLI has none.
    public func namespaceObject(name: String) async throws -> JSONValue? {
        objects.first {
            $0["kind"]?.stringValue == "Namespace" && $0["metadata"]?["name"]?.stringValue == name
        }
    }

    public func configMap(namespace: String, name: String) async throws -> JSONValue {
        let found = objects.first { object in
            let identity = ResourceIdentity(object)
            return identity.kind == "ConfigMap" && identity.name == name
                && (identity.namespace == namespace || identity.namespace.isEmpty)
        }
        guard let found else { throw ContextProviderError(.notFound, "configmaps \"\(name)\" not found") }
        return found
    }

    /// CEL `http` calls answer from the `apiCallResponses` mocks as the Kyverno CLI does: `{body, statusCode}`
    /// (status 200 when the mock has none), matched by `METHOD:url` or by URL alone.
    public func celHTTPRequest(_ request: APICallRequest) async throws -> JSONValue {
        let url = request.serviceURL ?? request.urlPath ?? ""
        let mock = apiCallResponses.first {
            ($0["url"]?.stringValue ?? $0["urlPath"]?.stringValue) == url
                && ($0["method"]?.stringValue ?? "").uppercased() == request.method.uppercased()
        }
        let fallback = apiCallResponses.first {
            ($0["url"]?.stringValue ?? $0["urlPath"]?.stringValue) == url && ($0["method"]?.stringValue ?? "").isEmpty
        }
        guard let found = mock ?? fallback else {
            throw ContextProviderError(.unavailable, "no apiCallResponses mock for \(request.method) \(url)")
        }
        let status = found["response"]?["statusCode"]?.intValue ?? 0
        return .object(["body": found["response"]?["body"] ?? .null, "statusCode": .int(status == 0 ? 200 : status)])
    }

    public func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        let url = request.urlPath ?? request.serviceURL
        if let mock = apiCallResponses.first(where: { mock in
            let method = mock["method"]?.stringValue ?? ""
            return (mock["url"]?.stringValue == url || mock["urlPath"]?.stringValue == url)
                && (method.isEmpty || method.uppercased() == request.method.uppercased())
        }) {
            let status = mock["response"]?["statusCode"]?.intValue ?? 200
            guard (200..<300).contains(status) else {
                throw ContextProviderError(.httpStatus, "\(request.method) \(url ?? ""): HTTP \(status)")
            }
            return mock["response"]?["body"] ?? .null
        }
        guard let fullPath = request.urlPath else {
            throw ContextProviderError(
                .unavailable, "no apiCallResponses mock for \(request.method) \(request.serviceURL ?? "(no URL)")")
        }
        guard request.method == "GET" else {
            throw ContextProviderError(.unavailable, "no apiCallResponses mock for \(request.method) \(fullPath)")
        }
        var selector: [String: String] = [:]
        var path = fullPath
        if let question = path.firstIndex(of: "?") {
            let query = path[path.index(after: question)...]
            path = String(path[..<question])
            for item in query.split(separator: "&") where item.hasPrefix("labelSelector=") {
                let text = String(item.dropFirst("labelSelector=".count)).removingPercentEncoding ?? ""
                for requirement in text.split(separator: ",") {
                    let pair = requirement.split(separator: "=", maxSplits: 1).map(String.init)
                    if pair.count == 2 { selector[pair[0]] = pair[1] }
                }
            }
        }
        var parts = path.split(separator: "/").map(String.init)
        var groupVersion: String
        if parts.first == "api", parts.count >= 2 {
            groupVersion = parts[1]
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 3 {
            groupVersion = parts[1] + "/" + parts[2]
            parts.removeFirst(3)
        } else {
            throw ContextProviderError(.invalid, "unsupported path \(path)")
        }
        var namespace: String?
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let resource = parts.first else { throw ContextProviderError(.invalid, "unsupported path \(path)") }
        let name = parts.count > 1 ? parts[1] : nil
        let matching = objects.filter { object in
            let identity = ResourceIdentity(object)
            let version = identity.group.isEmpty ? identity.version : identity.group + "/" + identity.version
            return version == groupVersion && plural(identity.kind) == resource
                && (namespace == nil || identity.namespace == namespace)
                && selector.allSatisfy { identity.labels[$0.key] == $0.value }
        }
        if let name {
            guard let object = matching.first(where: { ResourceIdentity($0).name == name }) else {
                throw ContextProviderError(.notFound, "\(resource) \"\(name)\" not found")
            }
            return object
        }
        return .object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(matching)])
    }

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        if let imageLookup { return try await imageLookup(reference, credentials) }
        throw ContextProviderError(.unavailable, "no registry data for \(reference)")
    }

    public func globalReference(name: String) async throws -> JSONValue {
        guard let data = globalContextEntries[name] else {
            throw ContextProviderError(.notFound, "global context entry \(name) not found")
        }
        return data
    }
}
