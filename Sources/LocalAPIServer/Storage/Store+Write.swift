import Foundation
import JSONValue
import Synchronization

extension Store {
    /// Creates an object (its `metadata.name` and, for namespaced kinds, `metadata.namespace` already set).
    ///
    /// Fills in `uid`, `resourceVersion`, `creationTimestamp` and, for kinds that track it, `generation`. Creating a
    /// CustomResourceDefinition makes its kinds servable at once.
    /// - Throws: ``StatusError`` 404 when the namespace does not exist, 409 `AlreadyExists`, 422 for an
    ///   invalid CustomResourceDefinition.
    public func create(_ info: ResourceInfo, object: JSONValue, dryRun: Bool = false) throws(StatusError)
        -> StoredObject
    {
        try state.withLock { state throws(StatusError) -> StoredObject in
            try state.create(info, object: object, dryRun: dryRun)
        }
    }

    /// The outcome of ``update(_:namespace:name:subresource:createIfMissing:dryRun:transform:)``.
    public struct UpdateResult: Sendable {
        public var object: StoredObject
        /// The object did not exist and was created (server-side apply).
        public var created: Bool
    }

    /// Replaces an object with what `transform` makes of the current one (a PUT body, or a patch applied
    /// to the current document), checking `metadata.resourceVersion` when the result carries one.
    ///
    /// An update that changes nothing keeps the resourceVersion and sends no watch event, as the real
    /// server does. For kinds with a `status` subresource, the main resource ignores status changes and
    /// the `status` subresource changes only the status.
    /// - Throws: ``StatusError`` 404 when missing (unless `createIfMissing`), 409 `Conflict` for a stale
    ///   resourceVersion, or whatever `transform` throws.
    public func update(
        _ info: ResourceInfo, namespace: String, name: String, subresource: String? = nil,
        createIfMissing: Bool = false, dryRun: Bool = false,
        transform: (JSONValue?) throws(StatusError) -> JSONValue
    ) throws(StatusError) -> UpdateResult {
        try state.withLock { state throws(StatusError) -> UpdateResult in
            let key = StoredObject.key(namespace: info.namespaced ? namespace : "", name: name)
            let current = state.tables[info.groupResource]?.objects[key]
            let currentDocument = current?.document
            var updated = BuiltinDefaults.apply(try transform(currentDocument), info.groupResource)
            guard let current, let currentDocument else {
                guard createIfMissing else { throw StatusError.notFound(info.groupResource, name) }
                updated["metadata"]?["resourceVersion"] = nil
                let object = try state.create(info, object: updated, dryRun: dryRun)
                return UpdateResult(object: object, created: true)
            }
            if let requested = updated[path: "metadata", "resourceVersion"]?.stringValue, !requested.isEmpty,
                requested != String(current.resourceVersion)
            {
                throw StatusError.modified(info.groupResource, name)
            }
            if subresource == "status" {
                var merged = currentDocument
                merged["status"] = updated["status"]
                updated = merged
            } else if info.hasStatus {
                updated["status"] = currentDocument["status"]
            }
            updated = Self.keepingSystemMetadata(updated, from: currentDocument, info: info)
            if info.groupResource == Store.namespaceResource { updated = Self.withNamespaceNameLabel(updated) }
            if Self.strippedForComparison(updated, keepStatus: true)
                == Self.strippedForComparison(currentDocument, keepStatus: true)
            {
                return UpdateResult(object: current, created: false)
            }
            if info.tracksGeneration,
                Self.strippedForComparison(updated, keepStatus: !info.hasStatus)
                    != Self.strippedForComparison(currentDocument, keepStatus: !info.hasStatus)
            {
                let generation = currentDocument[path: "metadata", "generation"]?.intValue ?? 1
                updated["metadata"]?["generation"] = .int(generation + 1)
            }
            if info.groupResource == Store.crdResource {
                var registry = state.registry
                try registry.register(crd: updated)
                updated = Self.establishedCRD(updated)
                if !dryRun { state.registry = registry }
            }
            if dryRun { return UpdateResult(object: StoredObject(updated), created: false) }
            let object = state.commitPut(info.groupResource, document: updated, previous: current)
            return UpdateResult(object: object, created: false)
        }
    }

    /// How a delete treats the object's dependents.
    public enum PropagationPolicy: String, Sendable {
        /// Dependents are deleted too (the garbage collector's default; also used for `Foreground`).
        case background = "Background"
        case foreground = "Foreground"
        /// Dependents stay; their ownerReferences to the deleted object are removed.
        case orphan = "Orphan"
    }

    /// Deletes an object at once (no graceful deletion), then its dependents through ownerReferences.
    /// Deleting a Namespace deletes everything in it; deleting a CRD deletes its custom objects.
    /// - Throws: ``StatusError`` 404 when missing, 409 `Conflict` when a precondition fails.
    public func delete(
        _ info: ResourceInfo, namespace: String, name: String, preconditionUID: String? = nil,
        preconditionResourceVersion: String? = nil, propagation: PropagationPolicy = .background,
        dryRun: Bool = false
    ) throws(StatusError) -> StoredObject {
        try state.withLock { state throws(StatusError) -> StoredObject in
            let key = StoredObject.key(namespace: info.namespaced ? namespace : "", name: name)
            guard let current = state.tables[info.groupResource]?.objects[key] else {
                throw StatusError.notFound(info.groupResource, name)
            }
            // kube-apiserver names the kind (not the resource) in a failed precondition's details.
            func preconditionFailed(_ detail: String) -> StatusError {
                var error = StatusError.conflict(info.groupResource, name, "Precondition failed: " + detail)
                error.kind = info.kind
                return error
            }
            if let preconditionUID, preconditionUID != current.uid {
                throw preconditionFailed(
                    "UID in precondition: \(preconditionUID), UID in object meta: \(current.uid)")
            }
            if let preconditionResourceVersion, preconditionResourceVersion != String(current.resourceVersion) {
                throw preconditionFailed(
                    "ResourceVersion in precondition: \(preconditionResourceVersion), "
                        + "ResourceVersion in object meta: \(current.resourceVersion)")
            }
            if dryRun { return current }
            return state.deleteCascading(
                ObjectLocation(resource: info.groupResource, key: key), propagation: propagation)
        }
    }

    /// Deletes every object a filter selects; returns them as they were.
    public func deleteCollection(
        _ info: ResourceInfo, filter: ObjectFilter, propagation: PropagationPolicy = .background, dryRun: Bool = false
    ) -> [StoredObject] {
        state.withLock { state -> [StoredObject] in
            guard let table = state.tables[info.groupResource] else { return [] }
            let selected = table.sortedKeys.compactMap { table.objects[$0] }.filter(filter.matches)
            if dryRun { return selected }
            for object in selected {
                let location = ObjectLocation(resource: info.groupResource, key: object.key)
                if state.tables[info.groupResource]?.objects[object.key] != nil {
                    _ = state.deleteCascading(location, propagation: propagation)
                }
            }
            return selected
        }
    }

    static let crdResource = GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions")
    static let namespaceResource = GroupResource(group: "", resource: "namespaces")

    /// `metadata` keys in the order Kubernetes serializes `ObjectMeta`.
    static let metadataOrder = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields",
    ]

    static func orderedMetadata(_ metadata: JSONObject) -> JSONObject {
        var ordered = JSONObject(minimumCapacity: metadata.count)
        for key in metadataOrder { if let value = metadata[key] { ordered[key] = value } }
        for (key, value) in metadata where ordered[key] == nil { ordered[key] = value }
        return ordered
    }

    /// Copies the fields clients cannot change (uid, creationTimestamp, generation, identity) from the
    /// stored object.
    static func keepingSystemMetadata(_ document: JSONValue, from current: JSONValue, info: ResourceInfo) -> JSONValue {
        var document = document
        var metadata = document["metadata"]?.objectValue ?? [:]
        let old = current["metadata"]?.objectValue ?? [:]
        for key in ["name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp"] {
            metadata[key] = old[key]
        }
        metadata["resourceVersion"] = old["resourceVersion"]
        document["metadata"] = .object(orderedMetadata(metadata))
        document["apiVersion"] = current["apiVersion"]
        document["kind"] = current["kind"]
        return document
    }

    /// A Namespace with the `kubernetes.io/metadata.name` label equal to its name, which kube-apiserver
    /// sets on every create and update (label selectors for namespaces rely on it).
    static func withNamespaceNameLabel(_ namespace: JSONValue) -> JSONValue {
        guard let name = namespace[path: "metadata", "name"]?.stringValue else { return namespace }
        var namespace = namespace
        var labels = namespace[path: "metadata", "labels"]?.objectValue ?? [:]
        labels["kubernetes.io/metadata.name"] = .string(name)
        var metadata = namespace["metadata"]?.objectValue ?? [:]
        metadata["labels"] = .object(labels)
        namespace["metadata"] = .object(orderedMetadata(metadata))
        return namespace
    }

    /// The document without `metadata` (and without `status` unless kept), for change detection.
    static func strippedForComparison(_ document: JSONValue, keepStatus: Bool) -> JSONValue {
        var document = document
        if keepStatus {
            document["metadata"]?["resourceVersion"] = nil
            document["metadata"]?["managedFields"] = nil
        } else {
            document["metadata"] = nil
            document["status"] = nil
        }
        return document
    }

    /// A CRD with the status conditions of an established definition.
    static func establishedCRD(_ crd: JSONValue) -> JSONValue {
        var crd = crd
        let now = JSONValue.string(Store.timestamp())
        let names = crd[path: "spec", "names"] ?? [:]
        let storage = crd[path: "spec", "versions"]?.arrayValue?.first { $0["storage"]?.boolValue == true }?["name"]
        crd["status"] = [
            "conditions": [
                [
                    "type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts",
                    "message": "no conflicts found",
                ],
                [
                    "type": "Established", "status": "True", "lastTransitionTime": now,
                    "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                ],
            ],
            "acceptedNames": names,
            "storedVersions": .array(storage.map { [$0] } ?? []),
        ]
        return crd
    }

    /// Now as an RFC 3339 timestamp with seconds, as `metav1.Time` serializes.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }
}

extension StoreState {
    mutating func create(_ info: ResourceInfo, object: JSONValue, dryRun: Bool) throws(StatusError) -> StoredObject {
        var document = BuiltinDefaults.apply(object, info.groupResource)
        var metadata = document["metadata"]?.objectValue ?? [:]
        let name = metadata["name"]?.stringValue ?? ""
        let namespace = info.namespaced ? metadata["namespace"]?.stringValue ?? "" : ""
        if info.namespaced {
            let exists = tables[Store.namespaceResource]?.objects[namespace] != nil
            guard exists else { throw StatusError.notFound(Store.namespaceResource, namespace) }
        } else {
            metadata["namespace"] = nil
        }
        let key = StoredObject.key(namespace: namespace, name: name)
        if tables[info.groupResource]?.objects[key] != nil {
            throw StatusError.alreadyExists(info.groupResource, name)
        }
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(Store.timestamp())
        metadata["generation"] = info.tracksGeneration ? 1 : nil
        metadata["resourceVersion"] = nil
        metadata["deletionTimestamp"] = nil
        metadata["deletionGracePeriodSeconds"] = nil
        document["metadata"] = .object(Store.orderedMetadata(metadata))
        if info.isCustom, info.hasStatus { document["status"] = nil }
        if info.groupResource == Store.crdResource {
            var registry = self.registry
            try registry.register(crd: document)
            document = Store.establishedCRD(document)
            if !dryRun { self.registry = registry }
        }
        if info.groupResource == Store.namespaceResource {
            if document[path: "status", "phase"] == nil { document["status"] = ["phase": "Active"] }
            if document[path: "spec", "finalizers"] == nil { document["spec"] = ["finalizers": ["kubernetes"]] }
            document = Store.withNamespaceNameLabel(document)
        }
        if dryRun { return StoredObject(document) }
        return commitPut(info.groupResource, document: document, previous: nil)
    }

    /// Stores a new state of an object under the next resourceVersion and tells the watchers.
    @discardableResult
    mutating func commitPut(_ resource: GroupResource, document: JSONValue, previous: StoredObject?) -> StoredObject {
        revision += 1
        var document = document
        document["metadata"]?["resourceVersion"] = .string(String(revision))
        let object = StoredObject(document)
        let location = ObjectLocation(resource: resource, key: object.key)
        let capacity = self.capacity
        tables[resource, default: ResourceTable(capacity: capacity)].objects[object.key] = object
        if previous == nil { tables[resource, default: ResourceTable(capacity: capacity)].insertKey(object.key) }
        locations[object.uid] = location
        for owner in previous?.ownerUIDs ?? [] { dependents[owner]?.remove(location) }
        for owner in object.ownerUIDs { dependents[owner, default: []].insert(location) }
        let event = WatchEvent(type: previous == nil ? .added : .modified, object: object, previous: previous)
        tables[resource, default: ResourceTable(capacity: capacity)].cache.append(event)
        return object
    }

    /// Removes an object under the next resourceVersion and tells the watchers; returns its last state.
    @discardableResult
    mutating func commitDelete(_ location: ObjectLocation) -> StoredObject? {
        guard let object = tables[location.resource]?.objects.removeValue(forKey: location.key) else { return nil }
        tables[location.resource]?.removeKey(location.key)
        revision += 1
        var document = object.document
        document["metadata"]?["resourceVersion"] = .string(String(revision))
        let deleted = StoredObject(document)
        locations[object.uid] = nil
        for owner in object.ownerUIDs { dependents[owner]?.remove(location) }
        tables[location.resource]?.cache.append(WatchEvent(type: .deleted, object: deleted, previous: object))
        return object
    }
}
