import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct VariableSubstitutorTests {
    let context: EvaluationContext = {
        var context = EvaluationContext(
            resource: pod(
                name: "web", labels: #"{"app": "web", "tier": "front"}"#,
                spec: #"{"containers": [{"name": "c", "image": "nginx"}], "replicas": 3}"#),
            operation: "CREATE", namespace: "default", queries: .kyverno())
        context.set("key", .string("app"))
        context.set("template", .string("{{ request.object.metadata.name }}"))
        context.set("nested.value", .int(7))
        return context
    }()

    private func substitute(_ text: String) throws -> JSONValue {
        try VariableSubstitutor(context: context).substitute(string: text)
    }

    @Test func wholeStringVariableKeepsItsType() throws {
        #expect(try substitute("{{ request.object.spec.replicas }}") == .int(3))
        #expect(try substitute("{{request.object.metadata.labels}}") == jsonValue(#"{"app": "web", "tier": "front"}"#))
        #expect(try substitute("{{ nested.value }}") == .int(7))
    }

    @Test func splicedValuesBecomeText() throws {
        #expect(try substitute("n={{ request.object.spec.replicas }}") == .string("n=3"))
        #expect(try substitute("l={{ request.object.metadata.labels }}") == .string(#"l={"app":"web","tier":"front"}"#))
        #expect(try substitute("{{request.operation}} in {{request.namespace}}") == .string("CREATE in default"))
    }

    @Test func nestedVariablesResolveInnerFirst() throws {
        #expect(try substitute("{{ request.object.metadata.labels.\"{{ key }}\" }}") == .string("web"))
    }

    @Test func resultsAreScannedAgainUnlessShallow() throws {
        #expect(try substitute("{{ template }}") == .string("{{ request.object.metadata.name }}"))
        #expect(try substitute("x {{ template }}") == .string("x web"))
        #expect(try substitute("x {{- template }}") == .string("x {{ request.object.metadata.name }}"))
    }

    @Test func escapedVariables() throws {
        #expect(
            try substitute(#"\{{ request.object.kind }} {{ request.object.kind }}"#)
                == .string("{{ request.object.kind }} Pod"))
    }

    @Test func keysAreSubstituted() throws {
        let result = try VariableSubstitutor(context: context).substituteAll(jsonValue(#"{"{{ key }}": "{{ key }}"}"#))
        #expect(result == jsonValue(#"{"app": "app"}"#))
    }

    @Test func missingKeyErrorNamesVariableAndPath() {
        #expect {
            try VariableSubstitutor(context: context).substituteAll(
                jsonValue(#"{"a": ["{{ request.object.spec.nodeName }}"]}"#))
        } throws: { error in
            (error as? EvaluationError)?.message
                == "failed to resolve request.object.spec.nodeName at path /a/0: JMESPath query failed: Unknown key \"nodeName\" in path"
        }
    }

    @Test func scannerFollowsKyvernoRegex() {
        #expect(VariableScanner.matches(in: "a{{b}}c{{ {x} }}").map { String($0.variable) } == ["{{b}}", "{{ {x} }}"])
        #expect(VariableScanner.matches(in: #"\{{b}}"#).isEmpty)
        #expect(VariableScanner.matches(in: "{{a}").isEmpty)
        #expect(VariableScanner.expression(of: "{{- a.b }}") == ("a.b", true))
    }
}

@Suite struct EvaluationContextTests {
    @Test func dottedNamesNestAndQuotesKeepDots() {
        #expect(
            EvaluationContext.fields(of: #"request.object.metadata.annotations."example.com/x""#) == [
                "request", "object", "metadata", "annotations", "example.com/x",
            ])
        var context = EvaluationContext(
            resource: pod(spec: "{}"), operation: "CREATE", namespace: "default", queries: .kyverno())
        context.set(#"request.object.metadata.annotations."example.com/x""#, .string("y"))
        #expect(context.document["request"]?["object"]?["metadata"]?["annotations"]?["example.com/x"] == .string("y"))
        #expect(context.document["request"]?["object"]?["kind"] == .string("Pod"))
    }
}
