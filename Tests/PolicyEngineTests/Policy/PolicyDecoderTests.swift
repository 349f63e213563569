import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct PolicyDecoderTests {
    @Test func appliesKyvernoDefaults() throws {
        let decoded = try policy(
            clusterPolicy(
                rules:
                    #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {"spec": {}}}}]"#
            ))
        #expect(decoded.spec.background)
        #expect(decoded.spec.validationFailureAction == .audit)
        #expect(decoded.spec.failurePolicy == .fail)
        #expect(decoded.spec.applyRules == .all)
        #expect(decoded.spec.rules[0].validation?.failureAction == nil)
        #expect(decoded.namespace == nil)
        #expect(decoded.reportName == "test")
    }

    @Test func readsExplicitSettingsAndRuleFailureAction() throws {
        let decoded = try policy(
            clusterPolicy(
                rules: """
                    [{"name": "r", "match": {"resources": {"kinds": ["Pod"]}},
                      "validate": {"failureAction": "Enforce", "message": "m", "deny": {}}}]
                    """,
                spec: #""background": false, "validationFailureAction": "enforce", "failurePolicy": "Ignore""#))
        #expect(!decoded.spec.background)
        #expect(decoded.spec.validationFailureAction == .enforce)
        #expect(decoded.spec.failurePolicy == .ignore)
        #expect(decoded.spec.rules[0].validation?.failureAction == .enforce)
        #expect(decoded.spec.rules[0].validation?.deny != nil)
    }

    @Test func namespacedPolicyReportsNamespaceSlashName() throws {
        let decoded = try policy(
            """
            {"apiVersion": "kyverno.io/v2beta1", "kind": "Policy", "metadata": {"name": "p", "namespace": "team-a"},
             "spec": {"rules": [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                                 "validate": {"pattern": {"spec": {}}}}]}}
            """)
        #expect(decoded.reportName == "team-a/p")
    }

    @Test(arguments: [
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {}, "deny": {}}}]"#,
            "spec.rules[0].validate", "must have only one of pattern, deny"
        ),
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": "Pod"}}]}, "validate": {"pattern": {}}}]"#,
            "spec.rules[0].match.any[0].resources.kinds", "must be a list, found string"
        ),
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"deny": {"conditions": {"any": [{"key": 1, "operator": "Bigger", "value": 2}]}}}}]"#,
            "spec.rules[0].validate.deny.conditions.any[0].operator", "unknown operator \"Bigger\""
        ),
        (
            #"[{"match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {}}}]"#,
            "spec.rules[0].name", "is required"
        ),
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validat": {"pattern": {}}}]"#,
            "spec.rules[0].validat", "unknown field \"validat\""
        ),
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"patern": {}}}]"#,
            "spec.rules[0].validate.patern", "unknown field \"patern\""
        ),
        (
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline", "exclude": [{"controlName": "Capabilitiez"}]}}}]"#,
            "spec.rules[0].validate.podSecurity.exclude[0].controlName", "unknown Pod Security control"
        ),
    ])
    func errorsNameTheFieldPath(rules: String, path: String, message: String) {
        #expect {
            try PolicyDecoder.decode(jsonValue(clusterPolicy(name: "bad", rules: rules)), index: 3)
        } throws: { error in
            guard let error = error as? PolicyDecodingError else { return false }
            return error.fieldPath == path && error.message.hasPrefix(message) && error.documentName == "bad"
                && error.documentIndex == 3
                && error.description.hasPrefix("policy \"bad\" (document 3): \(path): ")
        }
    }

    @Test func oneInvalidPolicyDoesNotStopTheOthers() {
        let good = jsonValue(
            clusterPolicy(
                name: "good",
                rules:
                    #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {}}}]"#
            ))
        let bad = jsonValue(clusterPolicy(name: "bad", rules: "[]"))
        let configMap = jsonValue(#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}"#)
        let results = PolicyDecoder.decodeAll([bad, configMap, good])
        #expect(results.map(\.index) == [0, 2])
        guard case .failure(let error) = results[0].result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.fieldPath == "spec.rules")
        guard case .success(let decoded) = results[1].result else {
            Issue.record("expected a policy")
            return
        }
        #expect(decoded.name == "good")
    }

    @Test func unsupportedFeaturesAreListedNotGuessed() throws {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: """
                        [{"name": "cel", "match": {"any": [{"resources": {"kinds": ["Deployment"]}}]},
                          "validate": {"cel": {"expressions": [{"expression": "true"}]}}},
                         {"name": "mut", "match": {"any": [{"resources": {"kinds": ["Deployment"]}}]},
                          "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "b"}}}}}]
                        """)))
        // `validate.cel` is evaluated (its programs are compiled with the policy); mutate is not.
        #expect(compiled.unsupported.map(\.feature) == ["mutate"])
        #expect(compiled.celPrograms["cel"]?.expressions.count == 1)
    }
}
