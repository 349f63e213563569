/// YAML for Vigil: libyaml events turned into ``JSONValue`` documents with the scalar rules Kubernetes
/// tools use (sigs.k8s.io/yaml, that is go-yaml v2 and YAML 1.1), and an emitter for CLI output.
///
/// Written over libyaml rather than Yams because Vigil needs Kubernetes' YAML 1.1 scalar resolution,
/// merge keys and a bounded alias expansion straight into its own `JSONValue`, with no second tree.
public enum YAML {}
