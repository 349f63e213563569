import ContainerImages
import Crypto
import Failures
import Foundation
import HTTPClient
import JSONValue

/// One network lookup against the OCI distribution API: the manifest by tag or digest (an index selects the
/// configured platform), then the config blob. Authenticates on the first `401`: a bearer token from the
/// challenge's realm, or basic credentials. Every failure becomes a ``RegistryError``.
struct DistributionSession {
    let http: HTTPClient
    let reference: RegistryReference
    let configuration: RegistryClient.Configuration
    let credential: RegistryCredentials.Credential?
    /// Skip certificate verification (the policy's `allowInsecureRegistry`).
    let skipVerify: Bool
    let deadline: ContinuousClock.Instant
    private var authorization: String?

    init(
        http: HTTPClient, reference: RegistryReference, configuration: RegistryClient.Configuration,
        credential: RegistryCredentials.Credential?, skipVerify: Bool
    ) {
        self.http = http
        self.reference = reference
        self.configuration = configuration
        self.credential = credential
        self.skipVerify = skipVerify
        self.deadline = .now + configuration.timeout
    }

    private var baseURL: String {
        let scheme = configuration.insecureRegistries.contains(reference.registry) ? "http" : "https"
        return "\(scheme)://\(reference.registry)/v2/\(reference.repository)"
    }

    private func failure(_ errorClass: RegistryError.Class, _ cause: String) -> RegistryError {
        RegistryError(errorClass, image: reference.image, cause: cause)
    }

    /// Fetches manifest (and index) and config.
    mutating func run() async throws(RegistryError) -> ImageData {
        let top = try await manifest(reference.identifier)
        var manifest = top.json
        var imageIndex: JSONValue?
        if MediaType.isIndex(top.mediaType) {
            imageIndex = top.json
            let child = try selectPlatform(top.json)
            manifest = try await self.manifest(child).json
        }
        guard let configDigest = manifest["config"]?["digest"]?.stringValue else {
            throw failure(.invalid, "manifest \(reference.identifier) has no config descriptor")
        }
        let config = try await blob(configDigest)
        let configData: JSONValue
        do {
            configData = try JSONValue.parse(config)
        } catch {
            throw failure(.invalid, "config blob \(configDigest) is not JSON: \(error)")
        }
        return ImageData(
            reference: reference, digest: top.digest, imageIndex: imageIndex, manifest: manifest,
            configData: configData)
    }

    private struct Manifest {
        var json: JSONValue
        var mediaType: String
        var digest: String
    }

    private mutating func manifest(_ identifier: String) async throws(RegistryError) -> Manifest {
        let url = "\(baseURL)/manifests/\(identifier)"
        let response = try await get(url, accept: MediaType.manifestAccept)
        let computed = Self.sha256(response.body)
        if identifier.hasPrefix("sha256:"), identifier != computed {
            throw failure(.invalid, "GET \(url): manifest digest \(computed) does not match \(identifier)")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(response.body)
        } catch {
            throw failure(.invalid, "GET \(url): manifest is not JSON: \(error)")
        }
        let contentType = response.headers["Content-Type"]?.split(separator: ";").first.map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        var mediaType = json["mediaType"]?.stringValue ?? contentType ?? ""
        if !MediaType.isIndex(mediaType), !MediaType.isManifest(mediaType) {
            // OCI manifests may omit mediaType: infer it from the structure.
            if json["manifests"] != nil {
                mediaType = MediaType.ociIndex
            } else if json["config"] != nil, json["layers"] != nil {
                mediaType = MediaType.ociManifest
            } else {
                throw failure(.invalid, "GET \(url): unsupported manifest media type \"\(mediaType)\"")
            }
        }
        var digest = computed
        if let header = response.headers["Docker-Content-Digest"], header.hasPrefix("sha256:"), header.count == 71 {
            digest = header
        }
        if identifier.hasPrefix("sha256:") { digest = identifier }
        return Manifest(json: json, mediaType: mediaType, digest: digest)
    }

    private func selectPlatform(_ index: JSONValue) throws(RegistryError) -> String {
        let wanted = configuration.platform
        for descriptor in index["manifests"]?.arrayValue ?? [] {
            guard let platform = descriptor["platform"], let digest = descriptor["digest"]?.stringValue else {
                continue
            }
            guard platform["os"]?.stringValue == wanted.os,
                platform["architecture"]?.stringValue == wanted.architecture
            else { continue }
            if let variant = wanted.variant, platform["variant"]?.stringValue != variant { continue }
            return digest
        }
        throw failure(.invalid, "no manifest for platform \(wanted) in index \(reference.identifier)")
    }

    private mutating func blob(_ digest: String) async throws(RegistryError) -> [UInt8] {
        let url = "\(baseURL)/blobs/\(digest)"
        let response = try await get(url, accept: "*/*", redirects: 5)
        if digest.hasPrefix("sha256:"), Self.sha256(response.body) != digest {
            throw failure(.invalid, "GET \(url): blob content does not match its digest")
        }
        return response.body
    }

    /// A GET that authenticates on the first `401` and turns error statuses into classified errors.
    private mutating func get(_ url: String, accept: String, redirects: Int = 0) async throws(RegistryError)
        -> HTTPResponse
    {
        var response = try await send(url, accept: accept, redirects: redirects)
        if response.status == 401, authorization == nil {
            try await authenticate(challenge: response.headers["WWW-Authenticate"], url: url)
            response = try await send(url, accept: accept, redirects: redirects)
        }
        switch response.status {
        case 200..<300:
            guard response.body.count <= configuration.maximumDocumentSize else {
                throw failure(.invalid, "GET \(url): document of \(response.body.count) bytes is too large")
            }
            return response
        case 401, 403:
            throw failure(.unauthorized, "GET \(url): \(Self.describe(response))")
        case 404:
            throw failure(.notFound, "GET \(url): \(Self.describe(response))")
        case 408, 429, 500...:
            throw failure(.unreachable, "GET \(url): \(Self.describe(response))")
        default:
            throw failure(.invalid, "GET \(url): \(Self.describe(response))")
        }
    }

    private func send(_ url: String, accept: String, redirects: Int = 0, authorization override: String? = nil)
        async throws(RegistryError) -> HTTPResponse
    {
        let remaining = deadline - .now
        guard remaining > .zero else {
            throw failure(.timeout, "GET \(url): lookup timeout of \(configuration.timeout) expired")
        }
        var headers: HTTPHeaders = ["Accept": accept, "User-Agent": configuration.userAgent]
        if let value = override ?? authorization { headers["Authorization"] = value }
        var tls = configuration.tls(for: reference.registry)
        tls.insecureSkipVerify = skipVerify
        let request = HTTPRequest(
            url: url, headers: headers, timeout: remaining, tls: tls, maximumRedirects: redirects)
        do {
            return try await http.execute(request)
        } catch let error as HTTPClientError {
            throw Self.classify(error, image: reference.image)
        } catch {
            throw failure(.unreachable, "GET \(url): \(error)")
        }
    }

    private mutating func authenticate(challenge header: String?, url: String) async throws(RegistryError) {
        guard let header, let challenge = AuthChallenge(header: header) else {
            throw failure(.unauthorized, "GET \(url): 401 without a WWW-Authenticate challenge")
        }
        switch challenge.scheme {
        case "basic":
            guard let credential else {
                throw failure(
                    .unauthorized, "GET \(url): 401: the registry requires credentials and none are configured")
            }
            authorization = Self.basic(credential)
        case "bearer":
            authorization = "Bearer " + (try await token(challenge, url: url))
        default:
            throw failure(.unauthorized, "GET \(url): unsupported authentication scheme \(challenge.scheme)")
        }
    }

    /// The bearer token from the challenge's realm (Docker token protocol), with basic credentials when
    /// configured.
    private func token(_ challenge: AuthChallenge, url: String) async throws(RegistryError) -> String {
        guard let realm = challenge.parameters["realm"], realm.hasPrefix("http") else {
            throw failure(.unauthorized, "GET \(url): bearer challenge without a usable realm")
        }
        var query: [String] = []
        if let service = challenge.parameters["service"] { query.append("service=" + Self.escape(service)) }
        let scope = challenge.parameters["scope"] ?? "repository:\(reference.repository):pull"
        query.append("scope=" + Self.escape(scope))
        let tokenURL = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
        let response = try await send(
            tokenURL, accept: "application/json", authorization: credential.map(Self.basic) ?? "")
        guard response.status == 200 else {
            let errorClass: RegistryError.Class =
                response.status == 401 || response.status == 403 ? .unauthorized : .unreachable
            throw failure(errorClass, "GET \(realm): token request failed: \(Self.describe(response))")
        }
        let json = try? JSONValue.parse(response.body)
        guard let token = json?["token"]?.stringValue ?? json?["access_token"]?.stringValue, !token.isEmpty else {
            throw failure(.unauthorized, "GET \(realm): token response has no token")
        }
        return token
    }

    static func basic(_ credential: RegistryCredentials.Credential) -> String {
        "Basic " + Data("\(credential.username):\(credential.password)".utf8).base64EncodedString()
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"])) ?? text
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        "sha256:"
            + SHA256.hash(data: bytes).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
    }

    /// `404 MANIFEST_UNKNOWN: manifest unknown`, from the distribution error body when there is one.
    static func describe(_ response: HTTPResponse) -> String {
        var text = "\(response.status)"
        if let errors = (try? JSONValue.parse(response.body))?["errors"]?.arrayValue, let first = errors.first {
            if let code = first["code"]?.stringValue { text += " " + code }
            if let message = first["message"]?.stringValue { text += ": " + message }
        }
        return text
    }

    static func classify(_ error: HTTPClientError, image: String) -> RegistryError {
        let cause = "\(error.method) \(error.url): \(error.message)"
        switch error.code {
        case .timeout, .stalled: return RegistryError(.timeout, image: image, cause: cause)
        case .tls: return RegistryError(.tls, image: image, cause: cause)
        case .invalidRequest: return RegistryError(.invalid, image: image, cause: cause)
        default: return RegistryError(.unreachable, image: image, cause: cause)
        }
    }
}
