import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct RuleMatcherTests {
    private func matches(
        _ match: String, exclude: String? = nil, resource: JSONValue, namespaceLabels: [String: String] = [:],
        policyNamespace: String? = nil
    ) throws -> Bool {
        let excludePart = exclude.map { #", "exclude": \#($0)"# } ?? ""
        let decoded = try policy(
            clusterPolicy(
                rules: #"[{"name": "r", "match": \#(match)\#(excludePart), "validate": {"deny": {}}}]"#,
                annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#))
        let rule = decoded.spec.rules[0]
        let matcher = RuleMatcher(match: rule.match, exclude: rule.exclude)
        return matcher.mismatches(
            ResourceIdentity(resource), namespaceLabels: namespaceLabels, policyNamespace: policyNamespace,
            operation: "CREATE"
        ).isEmpty
    }

    let deployment = jsonValue(
        """
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web-1", "namespace": "prod", "labels": {"app": "web", "tier": "front"},
                      "annotations": {"team": "blue"}}}
        """)

    @Test(arguments: [
        (#"["Deployment"]"#, true), (#"["apps/v1/Deployment"]"#, true), (#"["v1/Deployment"]"#, true),
        (#"["apps/*/Deployment"]"#, true), (#"["batch/v1/Deployment"]"#, false), (#"["Deploy*"]"#, true),
        (#"["*"]"#, true), (#"["Pod"]"#, false), (#"["Deployment/scale"]"#, false), (#"["*/*"]"#, true),
    ])
    func kinds(kinds: String, expected: Bool) throws {
        #expect(try matches(#"{"any": [{"resources": {"kinds": \#(kinds)}}]}"#, resource: deployment) == expected)
    }

    @Test(arguments: [
        (#""names": ["web-*"]"#, true), (#""names": ["api", "web-?"]"#, true), (#""name": "api""#, false),
        (#""namespaces": ["pr*"]"#, true), (#""namespaces": ["dev"]"#, false),
        (#""selector": {"matchLabels": {"app": "web"}}"#, true),
        (#""selector": {"matchLabels": {"app": "w*"}}"#, true),
        (#""selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}"#, true),
        (#""selector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}"#, false),
        (#""selector": {"matchExpressions": [{"key": "missing", "operator": "DoesNotExist"}]}"#, true),
        (#""selector": {"matchExpressions": [{"key": "missing", "operator": "Exists"}]}"#, false),
        (#""annotations": {"team": "b*"}"#, true), (#""annotations": {"team": "red"}"#, false),
        (#""operations": ["CREATE"]"#, true), (#""operations": ["UPDATE", "DELETE"]"#, false),
        (#""namespaceSelector": {"matchLabels": {"env": "production"}}"#, true),
        (#""namespaceSelector": {"matchLabels": {"env": "staging"}}"#, false),
    ])
    func resourceDescriptionFields(field: String, expected: Bool) throws {
        let match = #"{"any": [{"resources": {"kinds": ["Deployment"], \#(field)}}]}"#
        #expect(try matches(match, resource: deployment, namespaceLabels: ["env": "production"]) == expected)
    }

    @Test func allRequiresEveryFilterAndAnyOne() throws {
        let all = #"{"all": [{"resources": {"kinds": ["Deployment"]}}, {"resources": {"namespaces": ["dev"]}}]}"#
        #expect(try !matches(all, resource: deployment))
        let any = #"{"any": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"namespaces": ["prod"]}}]}"#
        #expect(try matches(any, resource: deployment))
    }

    @Test func excludeForms() throws {
        let match = #"{"any": [{"resources": {"kinds": ["Deployment"]}}]}"#
        #expect(
            try !matches(match, exclude: #"{"any": [{"resources": {"namespaces": ["prod"]}}]}"#, resource: deployment))
        #expect(
            try matches(
                match, exclude: #"{"all": [{"resources": {"namespaces": ["prod"]}}, {"resources": {"names": ["x"]}}]}"#,
                resource: deployment))
        #expect(try !matches(match, exclude: #"{"resources": {"names": ["web-*"]}}"#, resource: deployment))
    }

    @Test func userInfoNeverMatchesInBackground() throws {
        // In match, user info is dropped: an otherwise empty filter cannot match.
        #expect(try !matches(#"{"any": [{"clusterRoles": ["cluster-admin"]}]}"#, resource: deployment))
        // In exclude, user info never matches, so it never excludes.
        #expect(
            try matches(
                #"{"any": [{"resources": {"kinds": ["Deployment"]}}]}"#,
                exclude:
                    #"{"any": [{"resources": {"kinds": ["Deployment"]}, "subjects": [{"kind": "User", "name": "x"}]}]}"#,
                resource: deployment))
    }

    @Test func namespacedPolicyOnlyMatchesItsNamespace() throws {
        let match = #"{"any": [{"resources": {"kinds": ["Deployment"]}}]}"#
        #expect(try matches(match, resource: deployment, policyNamespace: "prod"))
        #expect(try !matches(match, resource: deployment, policyNamespace: "dev"))
    }

    @Test func namespaceResourceUsesItsNameForNamespaces() throws {
        let namespace = jsonValue(#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}"#)
        #expect(
            try matches(
                #"{"any": [{"resources": {"kinds": ["Namespace"], "namespaces": ["prod"]}}]}"#, resource: namespace))
    }
}
