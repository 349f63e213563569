import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct PatternMatcherTests {
    private func outcome(_ resource: String, _ pattern: String) -> PatternOutcome {
        PatternMatcher.match(jsonValue(resource), pattern: jsonValue(pattern))
    }

    let pod = """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
         "spec": {"hostNetwork": false,
                  "containers": [{"name": "a", "image": "nginx:1.25", "resources": {"limits": {"memory": "512Mi"}}},
                                 {"name": "b", "image": "redis:latest"}]}}
        """

    @Test func plainValuesAndWildcards() {
        #expect(outcome(pod, #"{"metadata": {"labels": {"app": "?*"}}}"#) == .pass)
        #expect(outcome(pod, #"{"spec": {"containers": [{"image": "*:*"}]}}"#) == .pass)
        #expect(
            outcome(pod, #"{"spec": {"containers": [{"image": "!*:latest"}]}}"#)
                == .fail(
                    message:
                        "resource value 'redis:latest' does not match '!*:latest' at path /spec/containers/1/image/",
                    path: "/spec/containers/1/image/"))
    }

    @Test func missingFieldFailsAtItsPath() {
        #expect(
            outcome(pod, #"{"metadata": {"labels": {"team": "?*"}}}"#)
                == .fail(
                    message: "resource value '<nil>' does not match '?*' at path /metadata/labels/team/",
                    path: "/metadata/labels/team/"))
        #expect(
            outcome(pod, #"{"spec": {"priorityClassName": "*"}}"#)
                == .fail(message: "/spec//priorityClassName not found", path: "/spec/"))
    }

    @Test func equalityAnchorOnlyChecksPresentFields() {
        #expect(outcome(pod, #"{"spec": {"=(hostNetwork)": false, "=(hostPID)": false}}"#) == .pass)
        if case .fail(_, let path) = outcome(pod, #"{"spec": {"=(hostNetwork)": true}}"#) {
            #expect(path == "/spec/hostNetwork/")
        } else {
            Issue.record("expected a failure")
        }
    }

    @Test func conditionalAnchorSkipsWhenConditionDoesNotHold() {
        let pattern = #"{"spec": {"containers": [{"(name)": "c", "image": "nginx*"}]}}"#
        guard case .skip(let message) = outcome(pod, pattern) else {
            Issue.record("expected a skip")
            return
        }
        #expect(message.hasPrefix("conditional anchor mismatch: resource value 'a' does not match 'c'"))
        // When the condition holds for one container, the rest of the element is enforced.
        let enforced = #"{"spec": {"containers": [{"(name)": "b", "image": "nginx*"}]}}"#
        #expect(
            outcome(pod, enforced)
                == .fail(
                    message: "resource value 'redis:latest' does not match 'nginx*' at path /spec/containers/1/image/",
                    path: "/spec/containers/1/image/"))
    }

    @Test func negationAnchorFailsWhenPresent() {
        #expect(outcome(pod, #"{"spec": {"X(hostPID)": "null"}}"#) == .pass)
        #expect(
            outcome(pod, #"{"spec": {"X(hostNetwork)": "null"}}"#)
                == .fail(
                    message: "negation anchor matched in resource: /spec/hostNetwork/ is not allowed",
                    path: "/spec/hostNetwork/"))
    }

    @Test func existenceAnchorNeedsOneMatchingElement() {
        #expect(outcome(pod, #"{"spec": {"^(containers)": [{"image": "redis*"}]}}"#) == .pass)
        #expect(
            outcome(pod, #"{"spec": {"^(containers)": [{"image": "mysql*"}]}}"#)
                == .fail(
                    message: "existence anchor validation failed at path /spec/containers/",
                    path: "/spec/containers/"))
    }

    @Test func globalAnchorSkipsTheWholeRule() {
        let pattern = #"{"spec": {"containers": [{"<(image)": "mysql*", "name": "db"}]}}"#
        guard case .skip(let message) = outcome(pod, pattern) else {
            Issue.record("expected a skip")
            return
        }
        #expect(message.contains("global anchor mismatch"))
        let applies = #"{"spec": {"containers": [{"<(image)": "redis*"}], "hostNetwork": true}}"#
        #expect(
            outcome(pod, applies)
                == .fail(
                    message: "resource value 'false' does not match 'true' at path /spec/hostNetwork/",
                    path: "/spec/hostNetwork/"))
    }

    @Test func structureMismatch() {
        #expect(
            outcome(pod, #"{"spec": {"containers": {"name": "a"}}}"#)
                == .fail(
                    message:
                        "pattern and resource have different structures. Path: /spec/containers/. Expected map[string]interface {}, found []interface {}",
                    path: "/spec/containers/"))
    }

    @Test func emptyResourceListPasses() {
        #expect(outcome(#"{"spec": {"containers": []}}"#, #"{"spec": {"containers": [{"image": "nginx"}]}}"#) == .pass)
    }

    @Test func metadataLabelWildcardKeysAreExpanded() {
        let resource = #"{"metadata": {"labels": {"app.kubernetes.io/name": "web"}}}"#
        #expect(outcome(resource, #"{"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}}"#) == .pass)
        #expect(
            outcome(resource, #"{"metadata": {"labels": {"team.io/*": "?*"}}}"#)
                == .fail(
                    message: "resource value '<nil>' does not match '?*' at path /metadata/labels/team.io/*/",
                    path: "/metadata/labels/team.io/*/"))
    }

    @Test func quantityPatterns() {
        #expect(
            outcome(pod, #"{"spec": {"containers": [{"(name)": "a", "resources": {"limits": {"memory": "<=1Gi"}}}]}}"#)
                == .pass)
        #expect(
            outcome(pod, #"{"spec": {"containers": [{"(name)": "a", "resources": {"limits": {"memory": "<256Mi"}}}]}}"#)
                == .fail(
                    message:
                        "resource value '512Mi' does not match '<256Mi' at path /spec/containers/0/resources/limits/memory/",
                    path: "/spec/containers/0/resources/limits/memory/"))
    }
}
