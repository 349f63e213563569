import JSONValue

/// What an informer reports to its consumer.
public enum InformerEvent: Sendable, Equatable {
    /// An object the informer had not seen.
    case added(JSONValue)
    /// A known object with a new resource version. `contentChanged` is false when only the resource
    /// version or managed fields moved (the content hash is the same).
    case updated(JSONValue, contentChanged: Bool)
    /// An object that is gone. `lastState` is the object from a `DELETED` event, or `nil` when the
    /// deletion was found by a relist (the final state is unknown).
    case deleted(ObjectIdentity, lastState: JSONValue?)
    /// A (re)list finished: the informer's view now matches the server at `resourceVersion`, holding
    /// `count` objects.
    case resynced(resourceVersion: String, count: Int)
}
