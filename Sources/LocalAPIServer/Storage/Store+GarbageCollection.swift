import JSONValue

extension StoreState {
    /// Deletes an object and then what depends on it, as the garbage collector, the namespace controller
    /// and the CRD finalizer would a moment later: dependents named by ownerReferences (unless orphaned),
    /// everything in a deleted Namespace, every custom object of a deleted CRD.
    ///
    /// The work list is iterative, so a long or cyclic ownership chain cannot recurse without bound.
    /// - Returns: the deleted object's last state.
    mutating func deleteCascading(_ location: ObjectLocation, propagation: Store.PropagationPolicy) -> StoredObject {
        guard let root = tables[location.resource]?.objects[location.key] else {
            preconditionFailure("deleteCascading called for a missing object \(location)")
        }
        if location.resource == Store.namespaceResource {
            for (resource, table) in tables where resource != Store.namespaceResource {
                for key in table.sortedKeys where key.hasPrefix(root.name + "/") {
                    commitDelete(ObjectLocation(resource: resource, key: key))
                }
            }
        }
        if location.resource == Store.crdResource, let custom = registry.customResource(declaredBy: root.name) {
            for key in tables[custom]?.sortedKeys ?? [] { commitDelete(ObjectLocation(resource: custom, key: key)) }
            if let watchers = tables[custom]?.cache.watchers {
                for watcher in watchers.values { watcher.continuation.finish() }
            }
            tables[custom] = nil
            registry.unregister(crdName: root.name)
        }
        commitDelete(location)
        var pending = [root.uid]
        var visited: Set<String> = []
        while let owner = pending.popLast() {
            guard visited.insert(owner).inserted, let owned = dependents.removeValue(forKey: owner) else { continue }
            for dependent in owned.sorted(by: { ($0.resource.description, $0.key) < ($1.resource.description, $1.key) })
            {
                guard let object = tables[dependent.resource]?.objects[dependent.key] else { continue }
                switch propagation {
                case .orphan:
                    removeOwnerReference(owner, from: object, at: dependent)
                case .background, .foreground:
                    commitDelete(dependent)
                    pending.append(object.uid)
                }
            }
        }
        return root
    }

    /// Rewrites a dependent without its ownerReference to `owner` (an orphaning delete).
    private mutating func removeOwnerReference(_ owner: String, from object: StoredObject, at location: ObjectLocation)
    {
        var document = object.document
        let references = document[path: "metadata", "ownerReferences"]?.arrayValue ?? []
        let kept = references.filter { $0["uid"]?.stringValue != owner }
        document["metadata"]?["ownerReferences"] = kept.isEmpty ? nil : .array(kept)
        commitPut(location.resource, document: document, previous: object)
    }
}
