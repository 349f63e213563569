import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Logging
import RealClusterSupport
import Synchronization
import Testing

/// One of the two servers a differential sequence runs against: raw requests through Vigil's own libcurl
/// transport (``CurlKubeTransport``, so every status and body is seen as sent), plus the server's way of
/// forgetting its history (an etcd compaction for the real one, ``LocalAPIServer/compact(every:)`` for the
/// local one).
struct DiffServer: Sendable {
    var name: String
    var transport: CurlKubeTransport
    var credentials: Credentials
    var compact: @Sendable () async throws -> Void
}

/// A reply as a sequence sees it, to pick values (resourceVersions, continue tokens) for later requests.
struct DiffReply: Sendable {
    var status: Int
    var json: JSONValue
    var text: String

    var resourceVersion: String { json[path: "metadata", "resourceVersion"]?.stringValue ?? "" }
    var continueToken: String { json[path: "metadata", "continue"]?.stringValue ?? "" }
    var name: String { json[path: "metadata", "name"]?.stringValue ?? "" }
}

/// What parts of a normalised response are compared.
struct Comparison: Sendable {
    /// Dotted paths removed before comparing (through arrays: `items.metadata.labels`).
    var ignoring: [String] = []
    /// When set, only these dotted paths are compared.
    var only: [String]?

    static let all = Comparison()
    static func ignoring(_ paths: String...) -> Comparison { Comparison(ignoring: paths) }
    static func only(_ paths: String...) -> Comparison { Comparison(only: paths) }
}

/// One compared exchange: the request, the status and the normalised body.
struct Observation: Sendable {
    var label: String
    var status: Int
    var body: JSONValue
    /// Set when the real server's answer is a known property of this test control plane (etcd 3.4) rather
    /// than of Kubernetes: the exchange is reported, not compared.
    var artefact: String?
}

/// Runs one request sequence against one server and records what it sees.
final class DiffSession: Sendable {
    let server: DiffServer
    private let observations = Mutex<[Observation]>([])

    init(server: DiffServer) {
        self.server = server
    }

    var transcript: [Observation] { observations.withLock { $0 } }
    var isReal: Bool { server.name == "real" }

    /// Sends one request, records its normalised answer (under `label` when the path holds a value that
    /// differs between the servers, such as a generated name), returns it raw.
    @discardableResult
    func send(
        _ method: String, _ path: String, json: JSONValue? = nil, body: String? = nil,
        contentType: String = "application/json", compare: Comparison = .all, label: String? = nil
    ) async throws -> DiffReply {
        var headers = [HTTPField("Accept", "application/json")]
        let bytes = json.map { $0.serializedBytes() } ?? body.map { Array($0.utf8) }
        if bytes != nil { headers.append(HTTPField("Content-Type", contentType)) }
        let response = try await server.transport.execute(
            KubeRequest(method: method, path: path, headers: headers, body: bytes, timeout: .seconds(60)),
            credentials: server.credentials)
        let text = String(decoding: response.body, as: UTF8.self)
        let parsed =
            (try? JSONValue.parse(response.body)) ?? .string(text.trimmingCharacters(in: .whitespacesAndNewlines))
        record(
            Observation(
                label: label ?? Self.label(method, path), status: response.status,
                body: Normaliser.compared(Normaliser.normalise(parsed), compare)))
        return DiffReply(status: response.status, json: parsed, text: text)
    }

    /// A watch (its path carries `timeoutSeconds`, so it ends by itself): opens it, runs `actions` once
    /// the response head arrived, reads to the end. Records the status and the events except bookmarks
    /// (whether and when bookmarks arrive is the server's choice); returns every event, bookmarks too.
    @discardableResult
    func watch(
        _ path: String, compare: Comparison = .all, during actions: @Sendable () async throws -> Void = {}
    ) async throws -> (status: Int, events: [JSONValue]) {
        let response = try await server.transport.stream(
            KubeRequest(method: "GET", path: path, headers: [HTTPField("Accept", "application/json")]),
            credentials: server.credentials)
        try await actions()
        var bytes: [UInt8] = []
        for try await chunk in response.body { bytes += chunk }
        let events = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            (try? JSONValue.parse(String($0))) ?? .string(String($0))
        }
        let compared = events.filter { $0["type"]?.stringValue != "BOOKMARK" }.map {
            Normaliser.compared(Normaliser.normalise($0), compare)
        }
        var observation = Observation(
            label: Self.label("WATCH", path), status: response.status, body: ["events": .array(compared)])
        if isReal { observation.artefact = Self.etcd34Artefact(path: path, events: events) }
        record(observation)
        return (response.status, events)
    }

    /// The request as both transcripts name it: resourceVersion values and continue tokens, which differ
    /// between the servers, are left out.
    static func label(_ method: String, _ path: String) -> String {
        let text = "\(method) \(path)".replacing(/resourceVersion=[0-9]+/, with: "resourceVersion=N")
        return text.replacing(/continue=[A-Za-z0-9_-]{20,}/, with: "continue=<token>")
    }

    /// Forgets the server's history (etcd compaction / local compaction).
    func compact() async throws {
        try await server.compact()
    }

    private func record(_ observation: Observation) {
        observations.withLock { $0.append(observation) }
    }

    /// The answers of this control plane that come from its etcd 3.4 (no `RequestWatchProgress`), not from
    /// Kubernetes: a cached watch with bookmarks from resourceVersion 0 fails with 500, and a cached watch
    /// without a resourceVersion waits for a progress notification that never comes and fails with
    /// "Too large resource version". With etcd ≥ 3.5 both start from the current state.
    static func etcd34Artefact(path: String, events: [JSONValue]) -> String? {
        guard events.count == 1, events[0]["type"]?.stringValue == "ERROR",
            let message = events[0][path: "object", "message"]?.stringValue
        else { return nil }
        if message.contains("RequestWatchProgress is disabled") {
            return "etcd 3.4: RequestWatchProgress is disabled (500 in the watch stream)"
        }
        if message.contains("Too large resource version"), !path.contains("resourceVersion=") {
            return "etcd 3.4: a watch without resourceVersion waits for a progress notification (\(message))"
        }
        return nil
    }
}

/// Removes what legitimately differs between two servers: uids, timestamps, resourceVersion and continue
/// values (kept as placeholders, so their presence is compared), managedFields (the local server keeps
/// none, see README), generated name suffixes, and numbers inside messages.
enum Normaliser {
    static func normalise(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map(normalise))
        case .object(let object):
            var result = JSONObject()
            for (key, child) in object {
                switch key {
                case "metadata": result[key] = metadata(child)
                case "message": result[key] = child.stringValue.map { .string(numbersHidden($0)) } ?? child
                case "uid", "creationTimestamp", "lastTransitionTime", "time":
                    result[key] = child.isNull ? child : .string("<\(key)>")
                default: result[key] = normalise(child)
                }
            }
            return .object(result)
        default:
            return value
        }
    }

    private static func metadata(_ value: JSONValue) -> JSONValue {
        guard var metadata = value.objectValue else { return value }
        metadata["managedFields"] = nil
        for key in ["uid", "creationTimestamp", "deletionTimestamp"] where metadata[key] != nil {
            metadata[key] = metadata[key]?.isNull == true ? .null : .string("<\(key)>")
        }
        for key in ["resourceVersion", "continue"] {
            if let text = metadata[key]?.stringValue, !text.isEmpty { metadata[key] = .string("<\(key)>") }
        }
        if let prefix = metadata["generateName"]?.stringValue, let name = metadata["name"]?.stringValue,
            name.hasPrefix(prefix), name.count == prefix.count + 5
        {
            metadata["name"] = .string(prefix + "<suffix>")
        }
        var result = JSONObject()
        for (key, child) in metadata {
            result[key] = key == "annotations" || key == "labels" ? child : normalise(child)
        }
        return .object(result)
    }

    static func numbersHidden(_ text: String) -> String {
        text.replacing(/[0-9]+/, with: "N")
    }

    static func compared(_ value: JSONValue, _ comparison: Comparison) -> JSONValue {
        var value = value
        for path in comparison.ignoring { value = removing(path.split(separator: ".").map(String.init), from: value) }
        guard let only = comparison.only else { return value }
        var projected = JSONObject()
        for path in only { projected[path] = projecting(path.split(separator: ".").map(String.init), from: value) }
        return .object(projected)
    }

    private static func removing(_ path: [String], from value: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        switch value {
        case .array(let elements): return .array(elements.map { removing(path, from: $0) })
        case .object(var object):
            if path.count == 1 {
                object[first] = nil
            } else if let child = object[first] {
                object[first] = removing(Array(path.dropFirst()), from: child)
            }
            return .object(object)
        default: return value
        }
    }

    private static func projecting(_ path: [String], from value: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        switch value {
        case .array(let elements): return .array(elements.map { projecting(path, from: $0) })
        case .object(let object): return object[first].map { projecting(Array(path.dropFirst()), from: $0) } ?? .null
        default: return .null
        }
    }
}

/// Runs request sequences against the suite's real control plane and a fresh local API server, and
/// compares what they answered.
enum Differential {
    /// Counts for the summary printed by each test.
    static let totals = Mutex((sequences: 0, exchanges: 0, artefacts: 0))

    typealias Sequence = @Sendable (DiffSession) async throws -> Void

    /// Runs `sequence` against both servers and records an issue for every exchange that differs.
    /// - Returns: the two sessions, for assertions on one side (the local server where the real one
    ///   answered with an etcd 3.4 artefact).
    @discardableResult
    static func compare(
        _ name: String, sourceLocation: SourceLocation = #_sourceLocation, _ sequence: Sequence
    ) async throws -> (real: DiffSession, local: DiffSession) {
        let cluster = try #require(SharedCluster.current)
        let real = try realServer(cluster)
        let realSession = DiffSession(server: real)
        do {
            try await sequence(realSession)
            await real.transport.shutdown()
        } catch {
            await real.transport.shutdown()
            throw error
        }
        let localSession = try await withLocalServer { server in
            let session = DiffSession(server: server)
            try await sequence(session)
            return session
        }
        let realTranscript = realSession.transcript
        let localTranscript = localSession.transcript
        #expect(
            realTranscript.map(\.label) == localTranscript.map(\.label), "\(name): the sequences diverged",
            sourceLocation: sourceLocation)
        var artefacts = 0
        for (realObservation, localObservation) in zip(realTranscript, localTranscript) {
            if let artefact = realObservation.artefact {
                artefacts += 1
                print("differential \(name): \(realObservation.label): real-server artefact not compared: \(artefact)")
                continue
            }
            if realObservation.status != localObservation.status || realObservation.body != localObservation.body {
                Issue.record(
                    """
                    \(name): \(realObservation.label) differs
                      real  \(realObservation.status) \(render(realObservation.body))
                      local \(localObservation.status) \(render(localObservation.body))
                    """, sourceLocation: sourceLocation)
            }
        }
        let compared = min(realTranscript.count, localTranscript.count) - artefacts
        totals.withLock {
            $0.sequences += 1
            $0.exchanges += compared
            $0.artefacts += artefacts
        }
        print("differential \(name): \(compared) exchanges compared, \(artefacts) real-server artefacts reported")
        return (realSession, localSession)
    }

    static func render(_ value: JSONValue) -> String {
        String(decoding: value.serializedBytes(options: .init(sortedKeys: true)), as: UTF8.self)
    }

    static func realServer(_ cluster: RealCluster) throws -> DiffServer {
        let configuration = cluster.clientConfiguration()
        return DiffServer(
            name: "real", transport: try CurlKubeTransport(configuration: configuration),
            credentials: Credentials(authorization: "Bearer \(cluster.adminToken)"),
            compact: { try await cluster.compactEtcd() })
    }

    /// A local API server as `vigil api-server` serves by default (HTTPS with a generated CA, a bearer
    /// token, HTTP/2), for one sequence.
    static func withLocalServer<T>(_ body: (DiffServer) async throws -> T) async throws -> T {
        var logger = Logger(label: "vigil.api-server.differential")
        logger.logLevel = .error
        let token = "differential-token"
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: [token]), logger: logger)
        try await server.start()
        let configuration = ClientConfiguration(
            server: server.baseURL,
            tls: .init(certificateAuthorityPEM: server.caCertificatePEM.map { Array($0.utf8) }),
            authentication: .bearerToken(token))
        let transport = try CurlKubeTransport(configuration: configuration)
        let diffServer = DiffServer(
            name: "local", transport: transport, credentials: Credentials(authorization: "Bearer \(token)"),
            compact: { server.compact() })
        do {
            let result = try await body(diffServer)
            await transport.shutdown()
            await server.stop()
            return result
        } catch {
            await transport.shutdown()
            await server.stop()
            throw error
        }
    }
}
