import JSONValue
import Testing

@testable import PolicyEngine

/// Parses JSON test input; a malformed literal is a bug in the test.
func jsonValue(_ text: String) -> JSONValue {
    do {
        return try JSONValue.parse(text)
    } catch {
        Issue.record("invalid JSON in test: \(error)")
        return .null
    }
}

/// Decodes a policy written as JSON.
func policy(_ text: String) throws -> Policy {
    try PolicyDecoder.decode(jsonValue(text))
}

/// A minimal ClusterPolicy with the given rules (JSON array text) and annotations.
func clusterPolicy(name: String = "test", rules: String, annotations: String = "{}", spec: String = "") -> String {
    """
    {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
     "metadata": {"name": "\(name)", "annotations": \(annotations)},
     "spec": {\(spec.isEmpty ? "" : spec + ",") "rules": \(rules)}}
    """
}

func pod(name: String = "nginx", namespace: String = "default", labels: String = "{}", spec: String) -> JSONValue {
    jsonValue(
        """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\(name)", "namespace": "\(namespace)", "labels": \(labels)},
         "spec": \(spec)}
        """)
}
