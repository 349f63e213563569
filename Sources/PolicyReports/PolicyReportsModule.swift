/// PolicyReports: the report documents Vigil writes, built from rule results.
///
/// One report per resource, named by the resource's UID, in its namespace (a cluster-wide report for a
/// cluster-scoped resource), as Kyverno's reports controller writes them: `scope` and an ownerReference
/// point at the resource, results are sorted and summarised. Either `wgpolicyk8s.io/v1alpha2`
/// (`PolicyReport`/`ClusterPolicyReport`) or `openreports.io/v1alpha1` (`Report`/`ClusterReport`).
///
/// Pure: no I/O. The content hash ignores timestamps and server-set metadata, so a writer can tell
/// whether a report it is about to write differs from the one in the cluster without a request.
public enum PolicyReportsModule {}
