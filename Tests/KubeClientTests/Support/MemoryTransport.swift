import Foundation
import JSONValue
import Synchronization

@testable import KubeClient

/// An in-memory stand-in for the API server behind ``KubeTransport``, used until the local API server
/// and the libcurl transport are available in this branch: namespaced objects of any resource, lists with
/// `limit`/`continue`, create/update with `AlreadyExists`/`Conflict`, watches with bookmarks, compaction
/// (410 inside the stream), and injected faults.
final class MemoryTransport: KubeTransport {
    enum Fault: Sendable {
        case status(Int, retryAfter: Int?, body: String)
        case connectionRefused
    }

    struct Stored {
        var object: JSONValue
        var resource: String
    }

    struct LogEntry {
        var rv: Int
        var type: String
        var object: JSONValue
        var resource: String
    }

    private struct State {
        var objects: [String: Stored] = [:]  // key: resource/namespace/name
        var revision = 100
        var log: [LogEntry] = []
        var compactedBelow = 0
        var faults: [Fault] = []
        var watchFaults: [Fault] = []
        var watchers: [Int: (resource: String, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation)] =
            [:]
        var nextWatcher = 0
        var requests: [KubeRequest] = []
        var authorizations: [String?] = []
        var acceptedTokens: Set<String>? = nil
        var expiredContinueTokens = false
    }

    private let state = Mutex(State())

    var requests: [KubeRequest] { state.withLock { $0.requests } }
    var authorizations: [String?] { state.withLock { $0.authorizations } }

    func inject(_ faults: [Fault]) { state.withLock { $0.faults += faults } }
    func injectOnWatch(_ faults: [Fault]) { state.withLock { $0.watchFaults += faults } }
    func clearWatchFaults() { state.withLock { $0.watchFaults.removeAll() } }
    func acceptOnly(tokens: Set<String>?) { state.withLock { $0.acceptedTokens = tokens } }
    func expireContinueTokens() { state.withLock { $0.expiredContinueTokens = true } }

    /// Forgets history below the current revision: older watches get 410.
    func compact() {
        state.withLock { state in
            state.compactedBelow = state.revision
            state.log.removeAll()
        }
    }

    /// Ends every open watch, as a dropped connection does.
    func dropWatches() {
        let watchers = state.withLock { state in
            defer { state.watchers = [:] }
            return state.watchers.values.map(\.continuation)
        }
        for watcher in watchers { watcher.finish() }
    }

    var openWatchCount: Int { state.withLock { $0.watchers.count } }

    /// Server-side writes (bypassing the client) for tests.
    @discardableResult
    func serverCreate(_ resource: String, namespace: String, name: String, spec: JSONValue = [:]) -> JSONValue {
        state.withLock { state in
            let object: JSONValue = [
                "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec,
            ]
            return Self.write(&state, resource: resource, type: "ADDED", object: object)
        }
    }

    @discardableResult
    func serverUpdate(_ resource: String, namespace: String, name: String, spec: JSONValue) -> JSONValue? {
        state.withLock { state in
            guard var object = state.objects["\(resource)/\(namespace)/\(name)"]?.object else { return nil }
            object["spec"] = spec
            return Self.write(&state, resource: resource, type: "MODIFIED", object: object)
        }
    }

    func serverDelete(_ resource: String, namespace: String, name: String) {
        state.withLock { state in
            guard let object = state.objects["\(resource)/\(namespace)/\(name)"]?.object else { return }
            _ = Self.write(&state, resource: resource, type: "DELETED", object: object)
        }
    }

    func objects(_ resource: String) -> [JSONValue] {
        state.withLock { state in
            state.objects.values.filter { $0.resource == resource }.map(\.object)
        }
    }

    private static func write(_ state: inout State, resource: String, type: String, object: JSONValue) -> JSONValue {
        state.revision += 1
        var object = object
        let namespace = object[path: "metadata", "namespace"]?.stringValue ?? ""
        let name = object[path: "metadata", "name"]?.stringValue ?? ""
        let key = "\(resource)/\(namespace)/\(name)"
        if object[path: "metadata", "uid"] == nil {
            var metadata = object["metadata"]?.objectValue ?? [:]
            metadata["uid"] = .string("uid-\(state.revision)")
            object["metadata"] = .object(metadata)
        }
        var metadata = object["metadata"]?.objectValue ?? [:]
        metadata["resourceVersion"] = .string(String(state.revision))
        object["metadata"] = .object(metadata)
        if type == "DELETED" {
            state.objects[key] = nil
        } else {
            state.objects[key] = Stored(object: object, resource: resource)
        }
        state.log.append(LogEntry(rv: state.revision, type: type, object: object, resource: resource))
        let line = Array((JSONValue.object(["type": .string(type), "object": object]).serialized() + "\n").utf8)
        for watcher in state.watchers.values where watcher.resource == resource {
            watcher.continuation.yield(line)
        }
        return object
    }

    // MARK: KubeTransport

    func execute(_ request: KubeRequest, credentials: Credentials) async throws -> KubeResponse {
        try await Task.sleep(for: .milliseconds(1))
        return try state.withLock { state -> KubeResponse in
            state.requests.append(request)
            state.authorizations.append(credentials.authorization)
            if let accepted = state.acceptedTokens, !accepted.contains(credentials.authorization ?? "") {
                return Self.status(401, "Unauthorized", "Unauthorized")
            }
            if !state.faults.isEmpty {
                switch state.faults.removeFirst() {
                case .connectionRefused:
                    throw KubeTransportError(.connectionFailed, "Connection refused", url: request.path)
                case .status(let code, let retryAfter, let body):
                    var headers: [HTTPField] = []
                    if let retryAfter { headers.append(HTTPField("Retry-After", String(retryAfter))) }
                    return KubeResponse(status: code, headers: headers, body: Array(body.utf8))
                }
            }
            return Self.handle(&state, request)
        }
    }

    func stream(_ request: KubeRequest, credentials: Credentials) async throws -> KubeStreamingResponse {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        return try state.withLock { state -> KubeStreamingResponse in
            state.requests.append(request)
            state.authorizations.append(credentials.authorization)
            if !state.watchFaults.isEmpty {
                switch state.watchFaults.removeFirst() {
                case .connectionRefused:
                    throw KubeTransportError(.connectionFailed, "Connection refused", url: request.path)
                case .status(let code, let retryAfter, let body):
                    continuation.yield(Array(body.utf8))
                    continuation.finish()
                    var headers: [HTTPField] = []
                    if let retryAfter { headers.append(HTTPField("Retry-After", String(retryAfter))) }
                    return KubeStreamingResponse(status: code, headers: headers, body: stream)
                }
            }
            let (path, query) = Self.split(request.path)
            let resource = Self.resourceName(path)
            let from = Int(query["resourceVersion"] ?? "") ?? 0
            if from < state.compactedBelow {
                let status: JSONValue = [
                    "kind": "Status", "apiVersion": "v1", "status": "Failure",
                    "message": .string("too old resource version: \(from) (\(state.compactedBelow))"),
                    "reason": "Expired", "code": 410,
                ]
                continuation.yield(
                    Array((JSONValue.object(["type": "ERROR", "object": status]).serialized() + "\n").utf8))
                continuation.finish()
                return KubeStreamingResponse(status: 200, headers: [], body: stream)
            }
            // Replay history after `from`, split into small chunks to exercise line framing.
            for entry in state.log where entry.rv > from && entry.resource == resource {
                let line = Array(
                    (JSONValue.object(["type": .string(entry.type), "object": entry.object]).serialized() + "\n").utf8)
                let middle = line.count / 2
                continuation.yield(Array(line[..<middle]))
                continuation.yield(Array(line[middle...]))
            }
            if query["allowWatchBookmarks"] == "true" {
                let bookmark: JSONValue = [
                    "type": "BOOKMARK", "object": ["metadata": ["resourceVersion": .string(String(state.revision))]],
                ]
                continuation.yield(Array((bookmark.serialized() + "\n").utf8))
            }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (resource, continuation)
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
            }
            return KubeStreamingResponse(
                status: 200, headers: [HTTPField("Content-Type", "application/json")], body: stream)
        }
    }

    // MARK: Request handling

    private static func split(_ full: String) -> (String, [String: String]) {
        let parts = full.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1)
                query[String(pair[0])] = pair.count > 1 ? String(pair[1]).removingPercentEncoding ?? "" : ""
            }
        }
        return (String(parts[0]), query)
    }

    /// `/api/v1/namespaces/ns/pods/name` → ("pods", "ns", "name").
    private static func components(_ path: String) -> (resource: String, namespace: String?, name: String?) {
        var parts = path.split(separator: "/").map(String.init)
        parts.removeFirst(parts.first == "api" ? 2 : 3)
        var namespace: String?
        if parts.first == "namespaces", parts.count >= 3 {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        return (parts[0], namespace, parts.count > 1 ? parts[1].removingPercentEncoding : nil)
    }

    private static func resourceName(_ path: String) -> String { components(path).resource }

    static func status(_ code: Int, _ reason: String, _ message: String) -> KubeResponse {
        let body: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "status": "Failure", "message": .string(message),
            "reason": .string(reason), "code": .int(code),
        ]
        return KubeResponse(status: code, headers: [], body: body.serializedBytes())
    }

    private static func handle(_ state: inout State, _ request: KubeRequest) -> KubeResponse {
        let (path, query) = split(request.path)
        let (resource, namespace, name) = components(path)
        let key = "\(resource)/\(namespace ?? "")/\(name ?? "")"
        switch (request.method, name) {
        case ("GET", let name?):
            guard let stored = state.objects[key] else {
                return status(404, "NotFound", "\(resource) \"\(name)\" not found")
            }
            return KubeResponse(status: 200, body: stored.object.serializedBytes())
        case ("GET", nil):
            if let token = query["continue"], state.expiredContinueTokens {
                _ = token
                return status(
                    410, "Expired", "The provided continue parameter is too old to display a consistent list result.")
            }
            let all = state.objects.filter {
                $0.value.resource == resource && (namespace == nil || $0.key.hasPrefix("\(resource)/\(namespace!)/"))
            }
            .sorted { $0.key < $1.key }
            let offset = Int(query["continue"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "0") ?? 0
            let rv =
                query["continue"].flatMap { $0.split(separator: ":").last.map(String.init) } ?? String(state.revision)
            let limit = Int(query["limit"] ?? "") ?? Int.max
            let page = all.dropFirst(offset).prefix(limit).map(\.value.object)
            let next = offset + page.count
            var metadata: JSONObject = ["resourceVersion": .string(rv)]
            if next < all.count { metadata["continue"] = .string("\(next):\(rv)") }
            let list: JSONValue = [
                "kind": "List", "apiVersion": "v1", "metadata": .object(metadata), "items": .array(Array(page)),
            ]
            return KubeResponse(status: 200, body: list.serializedBytes())
        case ("POST", nil):
            guard let body = request.body, let object = try? JSONValue.parse(body),
                let objectName = object[path: "metadata", "name"]?.stringValue
            else { return status(400, "BadRequest", "bad body") }
            var withNamespace = object
            var metadata = object["metadata"]?.objectValue ?? [:]
            metadata["namespace"] = .string(namespace ?? "")
            withNamespace["metadata"] = .object(metadata)
            if state.objects["\(resource)/\(namespace ?? "")/\(objectName)"] != nil {
                return status(409, "AlreadyExists", "\(resource) \"\(objectName)\" already exists")
            }
            let created = write(&state, resource: resource, type: "ADDED", object: withNamespace)
            return KubeResponse(status: 201, body: created.serializedBytes())
        case ("PUT", let name?):
            guard let body = request.body, let object = try? JSONValue.parse(body) else {
                return status(400, "BadRequest", "bad body")
            }
            guard let stored = state.objects[key] else {
                return status(404, "NotFound", "\(resource) \"\(name)\" not found")
            }
            let sent = object[path: "metadata", "resourceVersion"]?.stringValue
            guard sent == stored.object[path: "metadata", "resourceVersion"]?.stringValue else {
                return status(
                    409, "Conflict",
                    "Operation cannot be fulfilled on \(resource) \"\(name)\": the object has been modified")
            }
            let updated = write(&state, resource: resource, type: "MODIFIED", object: object)
            return KubeResponse(status: 200, body: updated.serializedBytes())
        case ("DELETE", let name?):
            guard let stored = state.objects[key] else {
                return status(404, "NotFound", "\(resource) \"\(name)\" not found")
            }
            _ = write(&state, resource: resource, type: "DELETED", object: stored.object)
            return KubeResponse(status: 200, body: stored.object.serializedBytes())
        default:
            return status(405, "MethodNotAllowed", "not supported")
        }
    }
}
