import JSONValue

/// One event of a watch stream (`{"type": ..., "object": ...}`).
public enum WatchEvent: Sendable, Equatable {
    case added(JSONValue)
    case modified(JSONValue)
    /// Carries the last state of the deleted object.
    case deleted(JSONValue)
    /// A progress notification: the object carries only `metadata.resourceVersion` (and, for watch-list
    /// streams, the `k8s.io/initial-events-end` annotation).
    case bookmark(JSONValue)
    /// An error delivered inside the stream, such as `410 Expired` after compaction.
    case error(KubeAPIError)

    /// The object of an `ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK` event.
    public var object: JSONValue? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object), .bookmark(let object): object
        case .error: nil
        }
    }

    /// `metadata.resourceVersion` of the event's object, when it has one.
    public var resourceVersion: String? {
        object?[path: "metadata", "resourceVersion"]?.stringValue
    }

    /// Whether this is the bookmark that ends the initial events of a watch-list stream.
    public var isInitialEventsEnd: Bool {
        guard case .bookmark(let object) = self else { return false }
        return object[path: "metadata", "annotations", "k8s.io/initial-events-end"]?.stringValue == "true"
    }
}

/// A watch line that is not a valid event.
public struct WatchDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The start of the offending line (at most 200 bytes).
    public var excerpt: String

    public init(message: String, excerpt: String) {
        self.message = message
        self.excerpt = excerpt
    }

    public var description: String { "invalid watch event: \(message) (line starts with: \(excerpt))" }
}

extension WatchEvent {
    /// Decodes one event from a JSON line.
    ///
    /// An `ERROR` event's object is decoded as a `Status` into a ``KubeAPIError`` (reasons `Expired`
    /// and `Gone` both become `.expired`).
    /// - Throws: ``WatchDecodingError`` when the line is not JSON, has no known `type`, or lacks `object`.
    public static func decode(line: some Collection<UInt8>) throws(WatchDecodingError) -> WatchEvent {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw WatchDecodingError(message: error.description, excerpt: excerpt(line))
        }
        guard let type = value["type"]?.stringValue else {
            throw WatchDecodingError(message: "missing \"type\"", excerpt: excerpt(line))
        }
        guard let object = value["object"], case .object = object else {
            throw WatchDecodingError(message: "missing or non-object \"object\"", excerpt: excerpt(line))
        }
        switch type {
        case "ADDED": return .added(object)
        case "MODIFIED": return .modified(object)
        case "DELETED": return .deleted(object)
        case "BOOKMARK": return .bookmark(object)
        case "ERROR":
            if let status = KubeAPIError(status: object, code: 500) { return .error(status) }
            let message = object["message"]?.stringValue ?? object.serialized()
            return .error(KubeAPIError(reason: .internalError, code: 500, message: message))
        default:
            throw WatchDecodingError(message: "unknown event type \"\(type)\"", excerpt: excerpt(line))
        }
    }

    private static func excerpt(_ line: some Collection<UInt8>) -> String {
        String(decoding: line.prefix(200), as: UTF8.self)
    }
}
