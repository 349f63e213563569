import JSONValue
import Testing

@testable import Controller

/// What of a Namespace counts as a change that re-evaluates its objects.
@Suite("Namespace labels and objects")
struct NamespaceLabelsTests {
    static func namespace(
        labels: JSONValue = [:], annotations: JSONValue = [:], status: JSONValue = [:], version: String
    )
        -> JSONValue
    {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": "team-a", "labels": labels, "annotations": annotations, "resourceVersion": .string(version),
            ],
            "status": status,
        ]
    }

    @Test func labelsAndAnnotationsAreChangesStatusAndVersionsAreNot() {
        let namespaces = NamespaceLabels()
        #expect(namespaces.set(object: Self.namespace(labels: ["team": "a"], version: "1")))
        #expect(namespaces.labels(of: "team-a") == ["team": "a"])
        // A new resource version with the same content, or a status update: nothing a policy sees.
        #expect(!namespaces.set(object: Self.namespace(labels: ["team": "a"], version: "2")))
        #expect(
            !namespaces.set(object: Self.namespace(labels: ["team": "a"], status: ["phase": "Active"], version: "3")))
        // An annotation: CEL policies read it through namespaceObject.
        #expect(
            namespaces.set(object: Self.namespace(labels: ["team": "a"], annotations: ["owner": "bob"], version: "4")))
        #expect(namespaces.object(of: "team-a")?[path: "metadata", "annotations", "owner"] == "bob")
        // A label.
        #expect(
            namespaces.set(object: Self.namespace(labels: ["team": "b"], annotations: ["owner": "bob"], version: "5")))
        #expect(namespaces.labels(of: "team-a") == ["team": "b"])
    }
}
