import JSONValue
import Testing

@testable import KubeClient

struct InformerStoreTests {
    static func pod(_ name: String, uid: String, rv: String, image: String = "nginx") -> JSONValue {
        [
            "metadata": [
                "name": .string(name), "namespace": "default", "uid": .string(uid), "resourceVersion": .string(rv),
                "managedFields": [["time": .string("t\(rv)")]],
            ],
            "spec": ["image": .string(image)],
        ]
    }

    @Test func lightModeKeepsIdentityAndHashOnly() {
        var store = InformerStore(keepsObjects: false)
        #expect(store.upsert(Self.pod("a", uid: "u1", rv: "1")) == .added(Self.pod("a", uid: "u1", rv: "1")))
        let entry = store.entries["u1"]
        #expect(entry != nil && entry?.object == JSONValue?.none)
        #expect(entry?.identity == ObjectIdentity(uid: "u1", namespace: "default", name: "a", resourceVersion: "1"))
        // A replayed event at the same version is not reported again.
        #expect(store.upsert(Self.pod("a", uid: "u1", rv: "1")) == nil)
        // A new version with the same content (only resourceVersion and managedFields moved).
        #expect(
            store.upsert(Self.pod("a", uid: "u1", rv: "2"))
                == .updated(Self.pod("a", uid: "u1", rv: "2"), contentChanged: false))
        #expect(
            store.upsert(Self.pod("a", uid: "u1", rv: "3", image: "redis"))
                == .updated(Self.pod("a", uid: "u1", rv: "3", image: "redis"), contentChanged: true))
    }

    @Test func relistReportsMissedDeletionsAndChanges() {
        var store = InformerStore(keepsObjects: true)
        _ = store.upsert(Self.pod("a", uid: "u1", rv: "1"))
        _ = store.upsert(Self.pod("b", uid: "u2", rv: "2"))
        var relist = InformerStore.Relist()
        #expect(store.relisted(Self.pod("a", uid: "u1", rv: "1"), into: &relist) == nil)
        // `c` reuses the name `b` with a new UID: a different object.
        #expect(
            store.relisted(Self.pod("b", uid: "u3", rv: "5"), into: &relist)
                == .added(Self.pod("b", uid: "u3", rv: "5")))
        let deletions = store.finishRelist(relist)
        #expect(
            deletions == [
                .deleted(
                    ObjectIdentity(uid: "u2", namespace: "default", name: "b", resourceVersion: "2"),
                    lastState: Self.pod("b", uid: "u2", rv: "2"))
            ])
        #expect(store.count == 2)
    }

    @Test func deleteOfUnknownObjectIsIgnored() {
        var store = InformerStore(keepsObjects: false)
        #expect(store.remove(Self.pod("x", uid: "u9", rv: "1")) == nil)
        _ = store.upsert(Self.pod("x", uid: "u9", rv: "1"))
        guard case .deleted(let identity, let last)? = store.remove(Self.pod("x", uid: "u9", rv: "4")) else {
            Issue.record("expected a deletion")
            return
        }
        #expect(identity.resourceVersion == "4")
        #expect(last != nil)
    }

    @Test func contentHashIgnoresVolatileMetadata() {
        #expect(
            Self.pod("a", uid: "u", rv: "1").objectContentHash == Self.pod("a", uid: "u", rv: "99").objectContentHash)
        #expect(
            Self.pod("a", uid: "u", rv: "1").objectContentHash
                != Self.pod("a", uid: "u", rv: "1", image: "x").objectContentHash)
    }

    @Test func scannedHashingIgnoresStatusAndOtherMetadataButNotLabelsOrAnnotations() {
        func pod(rv: String, status: JSONValue = [:], labels: JSONValue = [:], owner: String = "") -> JSONValue {
            var pod = Self.pod("a", uid: "u", rv: rv)
            pod["status"] = status
            pod["metadata"]?["labels"] = labels
            pod["metadata"]?["ownerReferences"] = [["uid": .string(owner)]]
            return pod
        }
        var scanned = InformerStore(keepsObjects: false, hashing: .scanned)
        var whole = InformerStore(keepsObjects: false)
        for store in [0, 1] {
            _ = store == 0 ? scanned.upsert(pod(rv: "1")) : whole.upsert(pod(rv: "1"))
        }
        // A status-only update: a change of the object, not of what a scan sees.
        let statusOnly = pod(rv: "2", status: ["phase": "Running"])
        #expect(scanned.upsert(statusOnly) == .updated(statusOnly, contentChanged: false))
        #expect(whole.upsert(statusOnly) == .updated(statusOnly, contentChanged: true))
        // Other metadata (an owner reference) neither.
        let owned = pod(rv: "3", status: ["phase": "Running"], owner: "rs-1")
        #expect(scanned.upsert(owned) == .updated(owned, contentChanged: false))
        // Labels are seen.
        let labelled = pod(rv: "4", status: ["phase": "Running"], labels: ["app": "web"], owner: "rs-1")
        #expect(scanned.upsert(labelled) == .updated(labelled, contentChanged: true))
        #expect(scanned.entries["u"]?.contentHash == labelled.scanContentHash)
    }
}
