import JSONValue

/// A Kubernetes client for Vigil: kubeconfig and in-cluster configuration, `Status` errors, discovery
/// and kind → resource mapping, watch decoding, client-side rate limiting and retries.
///
/// Hand-written rather than generated (as swiftkube is) because Vigil handles every object as a
/// ``JSONValue``: it needs the API machinery (paging, watches, 410 relists, APF back-off, credential
/// rotation) done as client-go does it, not 790 typed models.
public enum KubeClientModule {}
