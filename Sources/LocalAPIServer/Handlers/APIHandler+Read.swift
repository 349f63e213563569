import Foundation
import Hummingbird
import JSONValue
import NIOCore
import ServiceLifecycle

extension APIHandler {
    /// The bytes of a stored object as served in `info`'s version (a CRD's other versions only differ in
    /// `apiVersion`: conversion strategy `None`).
    static func servedBytes(_ object: StoredObject, _ info: ResourceInfo) -> [UInt8] {
        guard object.apiVersion != info.apiVersion, info.isCustom else { return object.bytes }
        var document = object.document
        document["apiVersion"] = .string(info.apiVersion)
        return document.serializedBytes()
    }

    /// The bytes of a stored object as a list item: built-in kinds come without `apiVersion` and `kind`, as
    /// kube-apiserver's typed lists serialize them (custom resources keep theirs).
    static func listItemBytes(_ object: StoredObject, _ info: ResourceInfo) -> [UInt8] {
        guard !info.isCustom else { return servedBytes(object, info) }
        // The store writes both first; skip them without parsing the object.
        let prefix = Array(
            "{\"apiVersion\":\(JSONValue.string(object.apiVersion).serialized()),\"kind\":\(JSONValue.string(info.kind).serialized())"
                .utf8)
        let bytes = object.bytes
        if bytes.count > prefix.count, bytes.starts(with: prefix) {
            let next = bytes[prefix.count]
            if next == UInt8(ascii: "}") { return Array("{}".utf8) }
            if next == UInt8(ascii: ",") { return [UInt8(ascii: "{")] + bytes[(prefix.count + 1)...] }
        }
        var document = object.document
        document["apiVersion"] = nil
        document["kind"] = nil
        return document.serializedBytes()
    }

    static func listItemDocument(_ object: StoredObject, _ info: ResourceInfo) -> JSONValue {
        var document = servedDocument(object, info)
        if !info.isCustom {
            document["apiVersion"] = nil
            document["kind"] = nil
        }
        return document
    }

    static func servedDocument(_ object: StoredObject, _ info: ResourceInfo) -> JSONValue {
        var document = object.document
        if info.isCustom { document["apiVersion"] = .string(info.apiVersion) }
        return document
    }

    func get(_ request: RequestInfo, format: ResponseFormat) throws(StatusError) -> Response {
        let object = try store.get(request.resource, namespace: request.namespace, name: request.name)
        if format.table {
            let converter = TableConverter(resource: request.resource, includeObject: format.includeObject)
            let table = converter.table(
                [Self.servedDocument(object, request.resource)],
                listMetadata: ["resourceVersion": .string(String(object.resourceVersion))])
            return Self.json(.ok, table)
        }
        return Self.bytes(.ok, Self.servedBytes(object, request.resource))
    }

    func list(_ request: RequestInfo, filter: ObjectFilter, options: ListOptions, format: ResponseFormat)
        throws(StatusError) -> Response
    {
        let info = request.resource
        let source = try options.listSource(currentRevision: store.currentRevision)
        let result = try store.list(info, filter: filter, source: source, limit: options.limit)
        var metadata: JSONObject = ["resourceVersion": .string(String(result.resourceVersion))]
        if let token = result.continueToken {
            metadata["continue"] = .string(token)
        } else if info.isCustom {
            // Unstructured lists (custom resources) always write `continue`.
            metadata["continue"] = ""
        }
        if let remaining = result.remainingItemCount { metadata["remainingItemCount"] = .int(remaining) }
        if format.table {
            let converter = TableConverter(resource: info, includeObject: format.includeObject)
            let table = converter.table(result.items.map { Self.servedDocument($0, info) }, listMetadata: metadata)
            return Self.json(.ok, table)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(result.items.reduce(256) { $0 + $1.bytes.count + 1 })
        bytes.append(contentsOf: "{\"kind\":".utf8)
        bytes.append(contentsOf: JSONValue.string(info.listKind).serializedBytes())
        bytes.append(contentsOf: ",\"apiVersion\":".utf8)
        bytes.append(contentsOf: JSONValue.string(info.apiVersion).serializedBytes())
        bytes.append(contentsOf: ",\"metadata\":".utf8)
        bytes.append(contentsOf: JSONValue.object(metadata).serializedBytes())
        bytes.append(contentsOf: ",\"items\":[".utf8)
        for (index, item) in result.items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: Self.listItemBytes(item, info))
        }
        bytes.append(contentsOf: "]}".utf8)
        return Self.bytes(.ok, bytes)
    }

    func watch(_ request: RequestInfo, filter: ObjectFilter, options: ListOptions, format: ResponseFormat)
        throws(StatusError) -> Response
    {
        let info = request.resource
        let encoder = WatchEncoder(resource: info, format: format)
        let registration: Store.WatchRegistration
        do throws(StatusError) {
            registration = try store.watch(
                info, filter: filter, start: options.watchStart, sendInitialEvents: options.sendInitialEvents == true,
                allowBookmarks: options.allowWatchBookmarks)
        } catch  where error.code == 410 {
            // Errors after the request was accepted arrive inside the stream, as one ERROR event.
            let line = encoder.error(error)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(bytes: line))
                    try await writer.finish(nil)
                })
        }
        let timeout: Duration
        if let seconds = options.timeoutSeconds, seconds > 0 {
            timeout = .seconds(seconds)
        } else {
            let minimum = settings.minRequestTimeout.components.seconds
            timeout = .seconds(Int64.random(in: minimum...(2 * max(minimum, 1))))
        }
        let store = self.store
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                let timer = Task {
                    if options.allowWatchBookmarks {
                        // As kube-apiserver's watch cache: a bookmark 2 s before the deadline, so that the
                        // client resumes from a recent resourceVersion.
                        let lead = Self.bookmarkLead(before: timeout)
                        try await Task.sleep(for: timeout - lead)
                        store.sendBookmark(to: registration)
                        try await Task.sleep(for: lead)
                    } else {
                        try await Task.sleep(for: timeout)
                    }
                    store.stopWatch(registration)
                }
                defer {
                    timer.cancel()
                    store.stopWatch(registration)
                }
                var buffer = ByteBuffer()
                for signal in registration.initial {
                    buffer.writeBytes(encoder.encode(signal))
                    if buffer.readableBytes >= 64 * 1024 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                // A watch ends by itself when the server shuts down gracefully (stop, refused connections), so
                // its response is always finished, never dropped mid-stream when the grace period runs out.
                try await withGracefulShutdownHandler {
                    for await signal in registration.stream {
                        try await writer.write(ByteBuffer(bytes: encoder.encode(signal)))
                    }
                } onGracefulShutdown: {
                    store.stopWatch(registration)
                }
                try await writer.finish(nil)
            })
    }
}

extension APIHandler {
    /// How long before a watch's deadline its final bookmark is sent: 2 s, or half of shorter timeouts.
    static func bookmarkLead(before timeout: Duration) -> Duration {
        timeout > .seconds(4) ? .seconds(2) : timeout / 2
    }
}

/// Encodes watch signals as newline-delimited `{"type":...,"object":...}` lines.
struct WatchEncoder: Sendable {
    let resource: ResourceInfo
    let format: ResponseFormat
    let converter: TableConverter?

    init(resource: ResourceInfo, format: ResponseFormat) {
        self.resource = resource
        self.format = format
        converter = format.table ? TableConverter(resource: resource, includeObject: format.includeObject) : nil
    }

    func encode(_ signal: WatchSignal) -> [UInt8] {
        switch signal {
        case .event(let type, let object):
            if let converter {
                let table = converter.table(
                    [APIHandler.servedDocument(object, resource)],
                    listMetadata: ["resourceVersion": .string(String(object.resourceVersion))])
                return line(type.rawValue, table.serializedBytes())
            }
            return line(type.rawValue, APIHandler.servedBytes(object, resource))
        case .bookmark(let revision, let initialEventsEnd):
            // Only the resourceVersion (and the initial-events-end annotation), as kube-apiserver sends them.
            var metadata: JSONObject = ["resourceVersion": .string(String(revision))]
            if initialEventsEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
            let object: JSONValue = [
                "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
                "metadata": .object(metadata),
            ]
            return line("BOOKMARK", object.serializedBytes())
        }
    }

    func error(_ error: StatusError) -> [UInt8] {
        line("ERROR", error.status.serializedBytes())
    }

    private func line(_ type: String, _ object: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(object.count + 32)
        bytes.append(contentsOf: "{\"type\":\"".utf8)
        bytes.append(contentsOf: type.utf8)
        bytes.append(contentsOf: "\",\"object\":".utf8)
        bytes.append(contentsOf: object)
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }
}
