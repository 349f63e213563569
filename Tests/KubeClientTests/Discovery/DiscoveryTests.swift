import JSONValue
import Testing

@testable import KubeClient

struct DiscoveryTests {
    static let aggregated = """
        {"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[
          {"metadata":{"name":""},"versions":[{"version":"v1","freshness":"Current","resources":[
            {"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced",
             "singularResource":"pod","verbs":["get","list","watch"],"shortNames":["po"],
             "subresources":[{"subresource":"log","responseKind":{"kind":"Pod"},"verbs":["get"]}]},
            {"resource":"namespaces","responseKind":{"group":"","version":"v1","kind":"Namespace"},
             "scope":"Cluster","singularResource":"namespace","verbs":["get","list"],"shortNames":["ns"]},
            {"resource":"events","responseKind":{"group":"","version":"v1","kind":"Event"},"scope":"Namespaced",
             "singularResource":"event","verbs":["list"],"shortNames":["ev"]}]}]},
          {"metadata":{"name":"events.k8s.io"},"versions":[{"version":"v1","resources":[
            {"resource":"events","responseKind":{"group":"events.k8s.io","version":"v1","kind":"Event"},
             "scope":"Namespaced","singularResource":"event","verbs":["list"],"shortNames":["ev"]}]}]},
          {"metadata":{"name":"wgpolicyk8s.io"},"versions":[
            {"version":"v1alpha2","freshness":"Current","resources":[
              {"resource":"policyreports","responseKind":{"group":"wgpolicyk8s.io","version":"v1alpha2",
               "kind":"PolicyReport"},"scope":"Namespaced","singularResource":"policyreport",
               "verbs":["create","get","list"],"shortNames":["polr"]}]},
            {"version":"v1beta1","resources":[
              {"resource":"policyreports","responseKind":{"group":"wgpolicyk8s.io","version":"v1beta1",
               "kind":"PolicyReport"},"scope":"Namespaced","singularResource":"policyreport","verbs":["list"]}]}]}
        ]}
        """

    @Test func aggregatedDocument() throws {
        let mappings = try DiscoveryDocument.aggregatedMappings(try JSONValue.parse(Self.aggregated))
        #expect(mappings.count == 6)
        let pods = try #require(mappings.first)
        #expect(pods.resource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
        #expect(pods.kind == "Pod")
        #expect(pods.namespaced)
        #expect(pods.shortNames == ["po"])
        #expect(pods.supports("watch"))
        #expect(mappings[1].namespaced == false)
    }

    @Test func mapperResolvesNamesKindsAndPreferredVersions() throws {
        let mapper = RESTMapper(
            mappings: try DiscoveryDocument.aggregatedMappings(try JSONValue.parse(Self.aggregated)))
        #expect(mapper.resolve("po")?.resource.resource == "pods")
        #expect(mapper.resolve("Pod")?.resource.resource == "pods")
        #expect(mapper.resolve("pod")?.resource.resource == "pods")
        #expect(mapper.resolve("NS")?.kind == "Namespace")
        // Preferred (first listed) version wins.
        #expect(mapper.resolve("polr")?.resource.version == "v1alpha2")
        #expect(mapper.resolve("policyreports.v1beta1.wgpolicyk8s.io")?.resource.version == "v1beta1")
        #expect(mapper.resolve("policyreports.wgpolicyk8s.io")?.resource.version == "v1alpha2")
        // Core group wins for an unqualified name; a group qualifier picks the other.
        #expect(mapper.resolve("events")?.resource.group == "")
        #expect(mapper.resolve("events.events.k8s.io")?.resource.group == "events.k8s.io")
        #expect(mapper.resolve("deployments") == nil)
        // Kind lookups never pluralise by hand.
        #expect(mapper.mapping(kind: "PolicyReport")?.resource.resource == "policyreports")
        #expect(
            mapper.mapping(for: GroupVersionKind(apiVersion: "wgpolicyk8s.io/v1beta1", kind: "PolicyReport"))?
                .resource.version == "v1beta1")
        #expect(mapper.mapping(kind: "Policy") == nil)
    }

    @Test func legacyDocuments() throws {
        let core = try DiscoveryDocument.legacyCoreVersions(
            try JSONValue.parse(#"{"kind":"APIVersions","versions":["v1"]}"#))
        #expect(core == ["v1"])
        let groups = try DiscoveryDocument.legacyGroups(
            try JSONValue.parse(
                """
                {"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1beta1",
                "version":"v1beta1"},{"groupVersion":"apps/v1","version":"v1"}],
                "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}
                """))
        #expect(groups == [DiscoveryDocument.LegacyGroup(name: "apps", groupVersions: ["apps/v1", "apps/v1beta1"])])
        let resources = try DiscoveryDocument.legacyResourceMappings(
            try JSONValue.parse(
                """
                {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
                {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",
                 "verbs":["list","watch"],"shortNames":["deploy"]},
                {"name":"deployments/scale","namespaced":true,"kind":"Scale","group":"autoscaling","version":"v1"}]}
                """))
        #expect(resources.count == 1)
        #expect(resources[0].resource == GroupVersionResource(group: "apps", version: "v1", resource: "deployments"))
        #expect(resources[0].shortNames == ["deploy"])
        #expect(throws: DiscoveryError.self) { try DiscoveryDocument.legacyResourceMappings(["kind": "Pod"]) }
        #expect(throws: DiscoveryError.self) { try DiscoveryDocument.aggregatedMappings(["kind": "APIGroupList"]) }
    }

    @Test func contentTypeDecidesFormat() {
        #expect(
            DiscoveryDocument.isAggregated(
                contentType: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"))
        #expect(!DiscoveryDocument.isAggregated(contentType: "application/json"))
        #expect(!DiscoveryDocument.isAggregated(contentType: nil))
    }

    @Test func groupVersionStrings() {
        #expect(GroupVersionKind(apiVersion: "v1", kind: "Pod").group == "")
        #expect(GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment").apiVersion == "apps/v1")
        #expect(GroupVersionResource(group: "", version: "v1", resource: "pods").groupVersion == "v1")
    }
}
