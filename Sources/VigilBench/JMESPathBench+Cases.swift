import Foundation
import JSONValue

extension JMESPathBench {
    /// The compliance suite's benchmark cases and Kyverno-style cases, each `{name, expression, document}`.
    static func cases(complianceDirectory: String) throws -> [JSONValue] {
        var result: [JSONValue] = []
        let path = URL(fileURLWithPath: complianceDirectory).appendingPathComponent("benchmarks.json").path
        if let data = FileManager.default.contents(atPath: path),
            case .array(let suites) = try JSONValue.parse(Array(data))
        {
            for (suiteIndex, suite) in suites.enumerated() {
                for (caseIndex, testCase) in (suite["cases"]?.arrayValue ?? []).enumerated() {
                    guard let expression = testCase["expression"] else { continue }
                    result.append([
                        "name": .string("suite\(suiteIndex)-\(caseIndex)"), "expression": expression,
                        "document": suite["given"] ?? .null,
                    ])
                }
            }
        } else {
            FileHandle.standardError.write(Data("note: \(path) not found; only Kyverno-style cases\n".utf8))
        }
        let review: JSONValue = ["request": ["operation": "CREATE", "object": pod(index: 7)]]
        let services: JSONValue = ["apiVersion": "v1", "kind": "ServiceList", "items": .array((0..<200).map(service))]
        let pods: JSONValue = ["apiVersion": "v1", "kind": "PodList", "items": .array((0..<100).map(pod))]
        let manifest: JSONValue = [
            "manifest": [
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": [
                    "mediaType": "application/vnd.oci.image.config.v1+json", "size": 7023, "digest": "sha256:b5b2b2c5",
                ],
                "layers": .array(
                    (0..<12).map { index in
                        [
                            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "size": .int(32_654 + index * 7_919), "digest": .string("sha256:\(index)"),
                        ]
                    }),
            ]
        ]
        let kyverno: [(String, String, JSONValue)] = [
            (
                "privileged-containers", "request.object.spec.containers[?securityContext.privileged == `true`].name",
                review
            ),
            ("loadbalancer-count", "items[?spec.type == 'LoadBalancer'] | length(@)", services),
            ("layer-size-sum", "to_string(sum(manifest.layers[*].size))", manifest),
            ("label-lookup", "request.object.metadata.labels.app", review),
            ("quoted-label-lookup", "request.object.metadata.labels.\"app.kubernetes.io/name\"", review),
            ("latest-tag-filter", "request.object.spec.containers[?contains(image, ':latest')].name", review),
            (
                "container-multiselect",
                "request.object.spec.containers[].{name: name, image: image, privileged: securityContext.privileged}",
                review
            ),
            (
                "annotation-default", "request.object.metadata.annotations.\"sidecar.istio.io/inject\" || 'false'",
                review
            ),
            (
                "missing-memory-limits", "length(request.object.spec.containers[?resources.limits.memory == null])",
                review
            ),
            ("all-containers-images", "request.object.spec.[initContainers, containers][][].image", review),
            ("pod-names", "items[*].metadata.name", pods),
            ("hostpath-volumes", "request.object.spec.volumes[?hostPath].name", review),
            ("label-key-check", "contains(keys(request.object.metadata.labels), 'team')", review),
            (
                "registry-prefix",
                "request.object.spec.containers[?!starts_with(image, 'registry.example.com/')].image", review
            ),
            (
                "run-as-non-root",
                "request.object.spec.securityContext.runAsNonRoot || request.object.spec.containers[*].securityContext.runAsNonRoot",
                review
            ),
            (
                "namespaced-pods", "items[?metadata.namespace == 'team-3'].{name: metadata.name, node: spec.nodeName}",
                pods
            ),
        ]
        for (name, expression, document) in kyverno {
            result.append(["name": .string(name), "expression": .string(expression), "document": document])
        }
        return result
    }

    static func container(_ name: String, image: String, privileged: Bool, memory: String?) -> JSONValue {
        var limits: JSONObject = ["cpu": "500m"]
        if let memory { limits["memory"] = .string(memory) }
        return [
            "name": .string(name), "image": .string(image), "imagePullPolicy": "IfNotPresent",
            "ports": [["containerPort": 8080, "name": "http", "protocol": "TCP"]],
            "env": [
                ["name": "LOG_LEVEL", "value": "info"],
                ["name": "POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
            ],
            "resources": ["limits": .object(limits), "requests": ["cpu": "100m", "memory": "64Mi"]],
            "securityContext": [
                "privileged": .bool(privileged), "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
            ],
            "volumeMounts": [["name": "config", "mountPath": "/etc/app"], ["name": "tmp", "mountPath": "/tmp"]],
        ]
    }

    static func pod(index: Int) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string("web-\(index)-7d9f8c6b5-x2k4p"), "namespace": .string("team-\(index % 5)"),
                "uid": "0b5e3c1e-8f7a-4d59-9a3c-2f1d7e6b8a90", "resourceVersion": "123456",
                "labels": [
                    "app": "web", "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop",
                    "pod-template-hash": "7d9f8c6b5",
                ],
                "annotations": [
                    "kubectl.kubernetes.io/restartedAt": "2026-11-20T10:00:00Z", "prometheus.io/scrape": "true",
                ],
                "ownerReferences": [
                    ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f8c6b5", "controller": true]
                ],
            ],
            "spec": [
                "nodeName": .string("node-\(index % 3)"), "serviceAccountName": "web",
                "securityContext": ["runAsUser": 1000, "fsGroup": 2000],
                "initContainers": [container("init", image: "busybox:1.36", privileged: false, memory: "32Mi")],
                "containers": [
                    container("app", image: "registry.example.com/shop/web:1.4.2", privileged: false, memory: "256Mi"),
                    container("sidecar", image: "envoyproxy/envoy:latest", privileged: index % 2 == 1, memory: nil),
                    container(
                        "metrics", image: "registry.example.com/tools/exporter:0.9", privileged: false, memory: "64Mi"),
                ],
                "volumes": [
                    ["name": "config", "configMap": ["name": "web-config"]], ["name": "tmp", "emptyDir": [:]],
                    ["name": "host", "hostPath": ["path": "/var/log", "type": "Directory"]],
                ],
            ],
            "status": ["phase": "Running", "podIP": "10.0.3.17", "qosClass": "Burstable"],
        ]
    }

    static func service(_ index: Int) -> JSONValue {
        let types = ["ClusterIP", "ClusterIP", "NodePort", "LoadBalancer"]
        return [
            "apiVersion": "v1", "kind": "Service",
            "metadata": [
                "name": .string("svc-\(index)"), "namespace": .string("team-\(index % 5)"),
                "labels": ["app": .string("app-\(index % 17)")],
            ],
            "spec": [
                "type": .string(types[index % types.count]),
                "ports": [["port": 80, "targetPort": 8080, "protocol": "TCP"]],
                "selector": ["app": .string("app-\(index % 17)")],
            ],
        ]
    }
}
