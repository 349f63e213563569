import Controller
import ExternalData
import Foundation
import JSONValue
import KubeClient
import LocalServices

/// The external-data scenario of `vigil-bench scan --external-data`: a `GlobalContextEntry` keeping every
/// Deployment, a Deployment policy that reads it through `globalReference`, and a Pod policy that calls a
/// real HTTPS JSON service (started on 127.0.0.1, trusted through `caBundle`) once per namespace URL.
struct ExternalDataScenario {
    let service: JSONService
    let client: ServiceCallClient

    init() throws {
        service = try JSONService()
        client = try ServiceCallClient()
    }

    /// The GlobalContextEntry `deployments` (every Deployment, kept by one informer).
    static let entry: JSONValue = [
        "apiVersion": "kyverno.io/v2beta1", "kind": "GlobalContextEntry", "metadata": ["name": "deployments"],
        "spec": [
            "kubernetesResource": ["group": "apps", "version": "v1", "resource": "deployments"],
            "projections": [["name": "names", "jmesPath": "[].metadata.name"]],
        ],
    ]

    /// The two policies: Deployment names unique across namespaces (GlobalContextEntry), and Pods allowed by
    /// the service (one URL per namespace, so the calls coalesce to one request per namespace).
    func policies() -> [JSONValue] {
        let unique: JSONValue = [
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": ["name": "unique-deployment-names"],
            "spec": [
                "background": true,
                "rules": [
                    [
                        "name": "unique-name", "match": ["any": [["resources": ["kinds": ["Deployment"]]]]],
                        "context": [
                            [
                                "name": "sameName",
                                "globalReference": [
                                    "name": "deployments.names",
                                    "jmesPath": "[?@ == '{{ request.object.metadata.name }}'] | length(@)",
                                ],
                            ]
                        ],
                        "validate": [
                            "message": "{{ sameName }} Deployments are named {{ request.object.metadata.name }}",
                            "deny": [
                                "conditions": [
                                    "any": [["key": "{{ sameName }}", "operator": "GreaterThan", "value": 1]]
                                ]
                            ],
                        ],
                    ]
                ],
            ],
        ]
        let allowed: JSONValue = [
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": [
                "name": "service-allows-pods",
                "annotations": ["pod-policies.kyverno.io/autogen-controllers": "none"],
            ],
            "spec": [
                "background": true,
                "rules": [
                    [
                        "name": "ask-service", "match": ["any": [["resources": ["kinds": ["Pod"]]]]],
                        "context": [
                            [
                                "name": "answer",
                                "apiCall": [
                                    "service": [
                                        "url": .string(service.baseURL + "/json?namespace={{ request.namespace }}"),
                                        "caBundle": .string(service.caBundle),
                                    ],
                                    "jmesPath": "allowed",
                                ],
                            ]
                        ],
                        "validate": [
                            "message": "the service does not allow Pods in {{ request.namespace }}",
                            "deny": [
                                "conditions": [
                                    "any": [["key": "{{ answer }}", "operator": "NotEquals", "value": true]]
                                ]
                            ],
                        ],
                    ]
                ],
            ],
        ]
        return [unique, allowed]
    }

    /// The report results of the scenario's two policies, `policy: status=count …`, read from the
    /// PolicyReports (wgpolicyk8s.io v1alpha2).
    static func results(client: KubeClient) async throws -> String {
        // Page by page: holding all 11,000 reports at once would count towards the peak RSS the benchmark
        // reports as the controller's.
        var counts: [String: [String: Int]] = [:]
        try await client.listPages(
            GroupVersionResource(group: "wgpolicyk8s.io", version: "v1alpha2", resource: "policyreports")
        ) { page, restarted in
            if restarted { counts = [:] }
            for report in page.items {
                for result in report["results"]?.arrayValue ?? [] {
                    guard let policy = result["policy"]?.stringValue,
                        policy == "unique-deployment-names" || policy == "service-allows-pods"
                    else { continue }
                    counts[policy, default: [:]][result["result"]?.stringValue ?? "?", default: 0] += 1
                }
            }
        }
        return counts.sorted { $0.key < $1.key }.map { policy, statuses in
            "\(policy): " + statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }.joined(separator: "; ")
    }

    /// Requests the service received.
    func serviceRequests() -> Int {
        (try? service.counts()["/json"]) ?? -1
    }

    func stop() async {
        await client.shutdown()
        service.stop()
    }
}
