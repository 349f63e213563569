import CEL
import Foundation
import JSONValue
import Testing

/// Kubernetes' CEL libraries (quantity, semver, URLs, regex, lists, format, authz) and the cel-go
/// extensions Kubernetes enables (sets, lists v3), with the results Kubernetes 1.36 gives (checked against
/// the cel-go oracle by DifferentialTests where it is present; these run without it).
struct KubernetesLibraryTests {
    func evaluate(_ source: String, object: JSONValue = .null) throws -> CELValue {
        try CELEnvironment.kubernetes().compile(source).evaluate(["object": CELValue(json: object)])
    }

    @Test(arguments: [
        ("quantity('1.5Gi').isGreaterThan(quantity('1536Mi'))", CELValue.bool(false)),
        ("quantity('1Mi') == quantity('1024Ki')", .bool(true)),
        ("quantity('50M').compareTo(quantity('50Mi'))", .int(-1)),
        ("quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')", .bool(true)),
        ("quantity('1k').asInteger()", .int(1000)), ("quantity('1.0').isInteger()", .bool(false)),
        ("quantity('1.5Gi').isInteger()", .bool(false)), ("quantity('1Gi').isInteger()", .bool(true)),
        ("quantity('1').add(quantity('0m')).isInteger()", .bool(true)),
        ("quantity('9223372036854775807').add(1).isInteger()", .bool(false)),
        ("quantity('1.5').asApproximateFloat()", .double(1.5)), ("sign(quantity('-1m'))", .int(-1)),
        ("isQuantity('1,3G')", .bool(false)), ("isQuantity('200k')", .bool(true)),
        ("string(quantity('1.5G').add(quantity('0')) == quantity('1500M'))", .string("true")),
        ("semver('v01.02', true).minor()", .int(2)), ("semver('1.2.3') == semver('1.2.3+build')", .bool(true)),
        ("semver('1.0.0-rc.1').isLessThan(semver('1.0.0'))", .bool(true)), ("isSemver('v1.0.0')", .bool(false)),
        ("isSemver('v1.0', true)", .bool(true)),
        ("url('https://user@[::1]:8443/a%20b?x=1&x=2#f').getHostname()", .string("::1")),
        ("url('https://example.com:80/').getPort()", .string("80")),
        ("url('https://example.com/path with spaces/').getEscapedPath()", .string("/path%20with%20spaces/")),
        ("url('https://e.com/p?k=a+b&k=c&bad=%zz').getQuery()['k']", .list(CELList(["a b", "c"]))),
        ("isURL('../relative')", .bool(false)), ("isURL('/absolute')", .bool(true)),
        ("'abc 123 def 45'.find('[0-9]+')", .string("123")),
        ("'123 abc 456'.findAll('[0-9]*').size()", .int(6)),
        ("'a1b2c3'.findAll('[0-9]', 2)", .list(CELList(["1", "2"]))),
        ("[1, 2, 2, 3].lastIndexOf(2)", .int(2)), ("['b', 'a'].min()", .string("a")),
        ("[duration('1m'), duration('1s')].sum()", .duration(CELDuration(nanoseconds: 61_000_000_000))),
        ("[].sum()", .int(0)), ("[1, 3, 2].isSorted()", .bool(false)),
        ("sets.contains([1, 2, 3], [dyn(3), dyn(1.0)])", .bool(true)),
        ("sets.equivalent([1, 1, 2], [2, 1])", .bool(true)),
        ("sets.intersects(['a'], ['b'])", .bool(false)),
        ("lists.range(3).reverse()", .list(CELList([2, 1, 0]))),
        ("[3, 1, 2, 1].distinct().sort()", .list(CELList([1, 2, 3]))),
        ("[[dyn(1)], [dyn(2), dyn([3])]].flatten(1).size()", .int(3)),
        ("[1, 2, 3].slice(1, 3)", .list(CELList([2, 3]))),
        ("['bb', 'a', 'ccc'].sortBy(s, -s.size())", .list(CELList(["ccc", "bb", "a"]))),
        ("[1, 2].first().value() + [1, 2].last().value()", .int(3)), ("[].first().hasValue()", .bool(false)),
        ("format.dns1123Label().validate('my-name').hasValue()", .bool(false)),
        ("format.dns1123Label().validate('a.b').value()", .list(CELList(["must not contain dots"]))),
        ("format.labelValue().validate('x'.repeat(64)).hasValue()", .bool(true)),
        ("format.named('datetime').value().validate('2024-01-01t10:00:00Z').hasValue()", .bool(false)),
        ("format.date().validate('2023-02-29').value()", .list(CELList(["invalid date"]))),
        ("'%s=%d'.format(['replicas', 3])", .string("replicas=3")),
    ])
    func functions(source: String, expected: CELValue) throws {
        let source = source.replacingOccurrences(
            of: "'x'.repeat(64)", with: "'" + String(repeating: "x", count: 64) + "'")
        let result = try evaluate(source)
        #expect(CELValue.identical(result, expected), "\(source): \(result)")
    }

    @Test(arguments: [
        "quantity('200K')", "quantity('1Mi').asInteger() + quantity('1m').asInteger()", "[].max()",
        "semver('1.2-rc', true)", "url('https://a:b:c/')", "url('http://x/%zz')", "'x'.find('(')",
        "[1, 2].slice(1, 3)", "[dyn(1), dyn('a')].sort()", "[dyn(1), dyn(2.5)].sum()",
        "authorizer.group('apps').resource('deployments').check('get').allowed()",
    ])
    func errors(source: String) throws {
        #expect(try evaluate(source).isError)
    }

    @Test func authorizerIsReportedAsUnavailable() throws {
        let result = try evaluate("authorizer.requestResource.check('get').allowed()")
        #expect(result == .error(CELAuthzLibrary.unavailable))
    }

    @Test func quantitiesComeFromObjects() throws {
        let pod: JSONValue = [
            "spec": [
                "containers": [
                    ["resources": ["limits": ["memory": "2Gi"]]], ["resources": ["limits": ["memory": "512Mi"]]],
                ]
            ]
        ]
        let result = try evaluate(
            "object.spec.containers.map(c, quantity(c.resources.limits.memory)).filter(q, q.isGreaterThan(quantity('1Gi'))).size()",
            object: pod)
        #expect(result == .int(1))
    }

    @Test(arguments: [
        "[1, 'a']", "[object.name, 'x']", "{'a': 1, 'b': 'c'}", "{1: 'a', 'b': 'c'}", "[null, 1]", "[[1], ['a']]",
        "[1, 2.0]",
    ])
    func mixedLiteralsDoNotCompileInKubernetes(source: String) throws {
        #expect(throws: CELCompileError.self) { try CELEnvironment.kubernetes().compile(source) }
        // Without the Kubernetes option (as in the conformance suite) they are ordinary literals.
        var plain = CELEnvironment(variables: ["object"])
        plain.homogeneousAggregateLiterals = false
        _ = try plain.compile(source)
    }

    @Test(arguments: [
        "[[1], []]", "[dyn(1), dyn('a')]", "[object.a, object.b]", "'%s %d'.format(['a', 1])", "[{}, {'a': 1}]",
    ])
    func homogeneousLiteralsCompile(source: String) throws {
        _ = try CELEnvironment.kubernetes().compile(source)
    }
}
