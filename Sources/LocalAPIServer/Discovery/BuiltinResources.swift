/// The built-in kinds the server knows without any CRD, declared as data.
enum BuiltinResources {
    static let all: [ResourceInfo] = [
        ResourceInfo(
            group: "", version: "v1", kind: "Namespace", plural: "namespaces", shortNames: ["ns"], namespaced: false,
            hasStatus: true, nameRule: .dnsLabel, selectableFields: ["status.phase"]),
        ResourceInfo(
            group: "", version: "v1", kind: "Pod", plural: "pods", shortNames: ["po"], namespaced: true,
            hasStatus: true, categories: ["all"],
            selectableFields: [
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
            ]),
        ResourceInfo(
            group: "", version: "v1", kind: "PodTemplate", plural: "podtemplates", namespaced: true),
        ResourceInfo(
            group: "", version: "v1", kind: "ReplicationController", plural: "replicationcontrollers",
            shortNames: ["rc"], namespaced: true, hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "", version: "v1", kind: "Service", plural: "services", shortNames: ["svc"], namespaced: true,
            hasStatus: true, categories: ["all"], nameRule: .dnsLabel),
        ResourceInfo(
            group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"],
            namespaced: true),
        ResourceInfo(
            group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"], namespaced: true),
        ResourceInfo(
            group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true, selectableFields: ["type"]),
        ResourceInfo(
            group: "", version: "v1", kind: "Event", plural: "events", shortNames: ["ev"], namespaced: true,
            selectableFields: [
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                "reportingComponent", "source", "type",
            ]),
        ResourceInfo(
            group: "", version: "v1", kind: "Node", plural: "nodes", shortNames: ["no"], namespaced: false,
            hasStatus: true, selectableFields: ["spec.unschedulable"]),
        ResourceInfo(
            group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims",
            shortNames: ["pvc"], namespaced: true, hasStatus: true),
        ResourceInfo(
            group: "apps", version: "v1", kind: "Deployment", plural: "deployments", shortNames: ["deploy"],
            namespaced: true, hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", shortNames: ["rs"],
            namespaced: true, hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", shortNames: ["sts"],
            namespaced: true, hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", shortNames: ["ds"],
            namespaced: true, hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, hasStatus: true,
            categories: ["all"]),
        ResourceInfo(
            group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", shortNames: ["cj"], namespaced: true,
            hasStatus: true, categories: ["all"]),
        ResourceInfo(
            group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", shortNames: ["ing"],
            namespaced: true, hasStatus: true),
        ResourceInfo(
            group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies",
            shortNames: ["netpol"], namespaced: true),
        ResourceInfo(
            group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets",
            shortNames: ["pdb"], namespaced: true, hasStatus: true),
        ResourceInfo(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true,
            nameRule: .pathSegment),
        ResourceInfo(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings",
            namespaced: true, nameRule: .pathSegment),
        ResourceInfo(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles",
            namespaced: false, nameRule: .pathSegment),
        ResourceInfo(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding",
            plural: "clusterrolebindings", namespaced: false, nameRule: .pathSegment),
        ResourceInfo(
            group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true),
        ResourceInfo(
            group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingAdmissionPolicy",
            plural: "validatingadmissionpolicies", namespaced: false, hasStatus: true, categories: ["api-extensions"]),
        ResourceInfo(
            group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingAdmissionPolicyBinding",
            plural: "validatingadmissionpolicybindings", namespaced: false, categories: ["api-extensions"]),
        ResourceInfo(
            group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
            plural: "customresourcedefinitions", shortNames: ["crd", "crds"], namespaced: false, hasStatus: true,
            categories: ["api-extensions"]),
    ]

    /// The namespaces that exist in a fresh server, as in a new cluster.
    static let initialNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]
}
