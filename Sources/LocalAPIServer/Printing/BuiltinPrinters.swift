import Foundation
import JSONValue

/// The default columns kube-apiserver prints for the built-in kinds (a practical subset of
/// `pkg/printers/internalversion`), besides the Name column.
enum BuiltinPrinters {
    typealias Column = TableConverter.Column

    static func column(
        _ name: String, _ type: String = "string", priority: Int = 0, description: String = "",
        _ cell: @escaping @Sendable (JSONValue) -> JSONValue
    ) -> Column {
        Column(
            definition: PrinterColumn(
                name: name, type: type, description: description, priority: priority, jsonPath: ""),
            cell: { object, _ in cell(object) })
    }

    static let age = Column(
        definition: PrinterColumn(
            name: "Age", type: "string",
            description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
            jsonPath: ".metadata.creationTimestamp"),
        cell: { object, now in
            .string(HumanDuration.age(of: object[path: "metadata", "creationTimestamp"]?.stringValue, now: now))
        }
    )

    static let createdAt = Column(
        definition: PrinterColumn(
            name: "Created At", type: "date", description: "Created At", jsonPath: ".metadata.creationTimestamp"),
        cell: { object, _ in object[path: "metadata", "creationTimestamp"] ?? .null })

    static func int(_ value: JSONValue?) -> JSONValue { .int(value?.intValue ?? 0) }
    static func text(_ value: JSONValue?) -> JSONValue { .string(value?.stringValue ?? "") }
    static func count(_ value: JSONValue?) -> Int { value?.objectValue?.count ?? value?.arrayValue?.count ?? 0 }
    static func orNone(_ text: String) -> JSONValue { .string(text.isEmpty ? "<none>" : text) }

    /// An integer column read from `status.<field>` (0 when absent).
    static func statusCount(_ name: String, _ field: String) -> Column {
        column(name, "integer") { int($0[path: "status", field]) }
    }

    /// A `done/wanted` column such as Ready `2/3`: `done` counts from 0, `wanted` defaults to 1.
    static func ratio(_ name: String, done: (String, String), wanted: (String, String)) -> Column {
        column(name) { object in
            let count = object[path: done.0, done.1]?.intValue ?? 0
            return .string("\(count)/\(object[path: wanted.0, wanted.1]?.intValue ?? 1)")
        }
    }

    static func columns(for kind: String) -> [Column] {
        switch kind {
        case "Pod": return pod
        case "Namespace":
            return [column("Status") { text($0[path: "status", "phase"]) }, age]
        case "Node":
            return [
                column("Status") { object in
                    let ready = object[path: "status", "conditions"]?.arrayValue?.first { $0["type"] == "Ready" }
                    return .string(ready?["status"]?.stringValue == "True" ? "Ready" : "NotReady")
                },
                column("Roles") { object in
                    let roles = (object[path: "metadata", "labels"]?.objectValue ?? [:]).keys.compactMap {
                        key -> String? in
                        key.hasPrefix("node-role.kubernetes.io/")
                            ? String(key.dropFirst("node-role.kubernetes.io/".count)) : nil
                    }
                    return orNone(roles.sorted().joined(separator: ","))
                },
                age,
                column("Version") { text($0[path: "status", "nodeInfo", "kubeletVersion"]) },
            ]
        case "Service":
            return [
                column("Type") { text($0[path: "spec", "type"] ?? "ClusterIP") },
                column("Cluster-IP") { orNone($0[path: "spec", "clusterIP"]?.stringValue ?? "") },
                column("External-IP") { object in
                    let ips = object[path: "spec", "externalIPs"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    return orNone(ips.joined(separator: ","))
                },
                column("Port(s)") { object in
                    let ports = (object[path: "spec", "ports"]?.arrayValue ?? []).map { port in
                        "\(port["port"]?.intValue ?? 0)/\(port["protocol"]?.stringValue ?? "TCP")"
                    }
                    return orNone(ports.joined(separator: ","))
                },
                age,
            ]
        case "ServiceAccount":
            return [column("Secrets", "integer") { .int(count($0["secrets"])) }, age]
        case "ConfigMap":
            return [column("Data", "integer") { .int(count($0["data"]) + count($0["binaryData"])) }, age]
        case "Secret":
            return [
                column("Type") { text($0["type"] ?? "Opaque") },
                column("Data", "integer") { .int(count($0["data"])) }, age,
            ]
        case "Event":
            return [
                column("Type") { text($0["type"]) }, column("Reason") { text($0["reason"]) },
                column("Object") { object in
                    let kind = object[path: "involvedObject", "kind"]?.stringValue ?? ""
                    let name = object[path: "involvedObject", "name"]?.stringValue ?? ""
                    return .string("\(kind.lowercased())/\(name)")
                },
                column("Message") { text($0["message"]) },
            ]
        case "PersistentVolumeClaim":
            return [
                column("Status") { text($0[path: "status", "phase"]) },
                column("Volume") { text($0[path: "spec", "volumeName"]) }, age,
            ]
        case "Deployment":
            return [
                ratio("Ready", done: ("status", "readyReplicas"), wanted: ("spec", "replicas")),
                statusCount("Up-to-date", "updatedReplicas"),
                statusCount("Available", "availableReplicas"), age,
            ]
        case "ReplicaSet":
            return [
                column("Desired", "integer") { int($0[path: "spec", "replicas"] ?? 1) },
                statusCount("Current", "replicas"),
                statusCount("Ready", "readyReplicas"), age,
            ]
        case "StatefulSet":
            return [
                ratio("Ready", done: ("status", "readyReplicas"), wanted: ("spec", "replicas")), age,
            ]
        case "DaemonSet":
            return [
                statusCount("Desired", "desiredNumberScheduled"),
                statusCount("Current", "currentNumberScheduled"),
                statusCount("Ready", "numberReady"),
                statusCount("Up-to-date", "updatedNumberScheduled"),
                statusCount("Available", "numberAvailable"), age,
            ]
        case "Job":
            return [
                ratio("Completions", done: ("status", "succeeded"), wanted: ("spec", "completions")), age,
            ]
        case "CronJob":
            return [
                column("Schedule") { text($0[path: "spec", "schedule"]) },
                column("Suspend", "boolean") { .bool($0[path: "spec", "suspend"]?.boolValue ?? false) },
                column("Active", "integer") { .int(count($0[path: "status", "active"])) }, age,
            ]
        case "Ingress":
            return [
                column("Class") { orNone($0[path: "spec", "ingressClassName"]?.stringValue ?? "") },
                column("Hosts") { object in
                    let hosts = (object[path: "spec", "rules"]?.arrayValue ?? []).compactMap { $0["host"]?.stringValue }
                    return .string(hosts.isEmpty ? "*" : hosts.joined(separator: ","))
                }, age,
            ]
        case "NetworkPolicy":
            return [
                column("Pod-Selector") { object in
                    let labels = object[path: "spec", "podSelector", "matchLabels"]?.objectValue ?? [:]
                    return orNone(labels.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ","))
                }, age,
            ]
        case "Role", "ClusterRole", "CustomResourceDefinition":
            return [createdAt]
        case "RoleBinding", "ClusterRoleBinding":
            return [
                column("Role") { object in
                    .string(
                        "\(object[path: "roleRef", "kind"]?.stringValue ?? "")/\(object[path: "roleRef", "name"]?.stringValue ?? "")"
                    )
                }, age,
            ]
        case "Lease":
            return [column("Holder") { text($0[path: "spec", "holderIdentity"]) }, age]
        default:
            return [age]
        }
    }

    static let pod: [Column] = [
        column("Ready", description: "The aggregate readiness state of this pod for accepting traffic.") { object in
            let containers = object[path: "spec", "containers"]?.arrayValue?.count ?? 0
            let ready = (object[path: "status", "containerStatuses"]?.arrayValue ?? []).filter {
                $0["ready"]?.boolValue == true
            }.count
            return .string("\(ready)/\(containers)")
        },
        column("Status", description: "The aggregate status of the containers in this pod.") { object in
            for status in object[path: "status", "containerStatuses"]?.arrayValue ?? [] {
                if let reason = status[path: "state", "waiting", "reason"]?.stringValue { return .string(reason) }
                if let reason = status[path: "state", "terminated", "reason"]?.stringValue { return .string(reason) }
            }
            return .string(
                object[path: "status", "reason"]?.stringValue ?? object[path: "status", "phase"]?.stringValue
                    ?? "Pending")
        },
        column("Restarts", "string", description: "The number of times the containers in this pod have been restarted.")
        {
            object in
            let restarts = (object[path: "status", "containerStatuses"]?.arrayValue ?? []).reduce(0) {
                $0 + ($1["restartCount"]?.intValue ?? 0)
            }
            return .string(String(restarts))
        },
        age,
        column("IP", priority: 1) { orNone($0[path: "status", "podIP"]?.stringValue ?? "") },
        column("Node", priority: 1) { orNone($0[path: "spec", "nodeName"]?.stringValue ?? "") },
    ]
}
