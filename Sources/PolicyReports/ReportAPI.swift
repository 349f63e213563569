/// Which report resources to write.
public enum ReportAPI: String, Sendable, Hashable, CaseIterable {
    /// `wgpolicyk8s.io/v1alpha2` `PolicyReport` and `ClusterPolicyReport` (Kyverno's default).
    case wgpolicyk8s
    /// `openreports.io/v1alpha1` `Report` and `ClusterReport`.
    case openreports

    /// The API group of the report resources.
    public var group: String {
        switch self {
        case .wgpolicyk8s: "wgpolicyk8s.io"
        case .openreports: "openreports.io"
        }
    }

    /// The API version (without the group).
    public var version: String {
        switch self {
        case .wgpolicyk8s: "v1alpha2"
        case .openreports: "v1alpha1"
        }
    }

    /// `group/version`.
    public var apiVersion: String { group + "/" + version }

    /// The kind of the report for a namespaced resource.
    public var namespacedKind: String {
        switch self {
        case .wgpolicyk8s: "PolicyReport"
        case .openreports: "Report"
        }
    }

    /// The kind of the report for a cluster-scoped resource.
    public var clusterKind: String {
        switch self {
        case .wgpolicyk8s: "ClusterPolicyReport"
        case .openreports: "ClusterReport"
        }
    }

    /// The plural resource name of the namespaced report.
    public var namespacedResource: String {
        switch self {
        case .wgpolicyk8s: "policyreports"
        case .openreports: "reports"
        }
    }

    /// The plural resource name of the cluster-scoped report.
    public var clusterResource: String {
        switch self {
        case .wgpolicyk8s: "clusterpolicyreports"
        case .openreports: "clusterreports"
        }
    }
}
