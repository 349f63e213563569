import CEL
import Foundation
import JSONValue
import Testing

/// The type checks of Kubernetes' environment: calls whose argument types are known and match no overload
/// fail to compile, `dyn` stays permissive.
struct CheckerTests {
    @Test(arguments: [
        ("1 + 'a'", "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'"),
        ("'abc'.size() + true", "ERROR: <input>:1:14: found no matching overload for '_+_' applied to '(int, bool)'"),
        (
            "'abc'.startsWith(1)",
            "ERROR: <input>:1:17: found no matching overload for 'startsWith' applied to 'string.(int)'"
        ),
        (
            "object.metadata.name.matches(1)",
            "ERROR: <input>:1:29: found no matching overload for 'matches' applied to 'dyn.(int)'"
        ),
        ("true && 1", "ERROR: <input>:1:9: expected type 'bool' but found 'int'"),
        ("'abc'.foo", "ERROR: <input>:1:6: type 'string' does not support field selection"),
        (
            "[1,2,3].map(x, x + 'a')",
            "ERROR: <input>:1:18: found no matching overload for '_+_' applied to '(int, string)'"
        ),
    ])
    func refusesWhatCelGoRefuses(source: String, message: String) {
        #expect(throws: CELCompileError.self) { try CELEnvironment.kubernetes().compile(source) }
        do {
            _ = try CELEnvironment.kubernetes().compile(source)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(arguments: [
        "object.metadata.name + 1", "object.spec.replicas > 1", "1 < 2.0", "true ? object : 1",
        "object.metadata.?labels.orValue({})", "'a'.startsWith(object.metadata.name)",
        "object.spec.containers.exists(c, c.name.size() + 1 == 2)",
    ])
    func acceptsDyn(source: String) throws {
        _ = try CELEnvironment.kubernetes().compile(source)
    }

    /// The checker's compile-time verdicts agree with cel-go's (`-env k8s`): an expression it rejects at
    /// compile time Vigil rejects at compile time, one it accepts Vigil accepts.
    @Test func compileTimeVerdictsAgreeWithCelGo() throws {
        guard let path = try DifferentialTests.oraclePath() else { return }
        let input = Self.expressions.map { expression in
            let line: JSONValue = ["expr": .string(expression), "vars": ["object": DifferentialTests.pod]]
            return line.serialized(pretty: false) + "\n"
        }.joined()
        let output = String(
            decoding: try DifferentialTests.run(path, arguments: ["-env", "k8s"], input: Data(input.utf8)),
            as: UTF8.self)
        let replies = output.split(separator: "\n")
        try #require(replies.count == Self.expressions.count)
        var rejected = 0
        var agreed = 0
        for (expression, reply) in zip(Self.expressions, replies) {
            let expected = try JSONValue.parse(Array(reply.utf8))
            let celGoRejects = expected["stage"]?.stringValue == "compile"
            var vigilRejects = false
            do {
                _ = try CELEnvironment.kubernetes().compile(expression)
            } catch {
                vigilRejects = true
            }
            #expect(vigilRejects == celGoRejects, "\(expression): cel-go \(expected), Vigil rejects: \(vigilRejects)")
            if vigilRejects == celGoRejects { agreed += 1 }
            if celGoRejects { rejected += 1 }
        }
        print(
            "checker: \(agreed) of \(Self.expressions.count) compile-time verdicts agree with cel-go ("
                + "\(rejected) rejected by cel-go)")
    }

    static let expressions = [
        "1 + 'a'", "'abc'.size() + true", "'abc'.startsWith(1)", "size(1)", "1 == 'a'", "1 == 1.0", "1 == 1u",
        "1 == null", "null == 'a'", "!1", "-'a'", "true && 1", "'a' < 1", "[1, 2] + 'a'",
        "object.metadata.name.startsWith(1)", "'abc'.lowerAscii(1)",
        "object.spec.containers.all(c, c.name + 1 == 'x')", "'abc'.foo", "true ? 1 : 'a'", "1 in 'abc'",
        "'abc'[0]", "unknownFunc(1)", "quantity(1)", "object.metadata.name.matches(1)", "[1,2,3].map(x, x + 'a')",
        "duration(1)", "timestamp(true)", "int('1') + 'a'", "size('a', 'b')", "1 ? 2 : 3", "[1][1u]",
        "{'a': 1}.a.b", "[1] == ['a']", "{'a': 1} == {'a': 'b'}", "[1][0.0]", "'a'.size() == 'b'",
        "object.spec.containers.map(c, c.name).size() == 'x'", "[1, 2].exists(x, x == 'a')",
        "object.spec.containers.filter(c, c.name.size() > 'a')", "'abc'.charAt('a')", "'a,b'.split(1)",
        "['a'].join(1)", "'abc'.indexOf(1)", "url(1)", "ip(1)", "cidr('10.0.0.0/8').containsIP(1)",
        "isURL(1)", "'abc'.upperAscii() + 1", "size(object) + 'a'", "object.metadata.name.size() - 'a'",
        "has(object.a) && 1", "!object.metadata.name.startsWith('a') || 2",
        // accepted
        "object.metadata.name + 1", "object.spec.replicas > 1", "1 + 2", "size('abc') > 2", "[1,2].all(x, x > 0)",
        "1 < 2.0", "1u < 2", "true ? object : 1", "object.metadata.?labels.orValue({})",
        "duration('1h') + duration('1m')", "timestamp('2020-01-01T00:00:00Z') - duration('1h')",
        "quantity('1Gi').isGreaterThan(quantity('1Mi'))", "[1, 2] + [3]", "'abc'.size()",
        "object.spec.containers.map(c, c.name).join(',')", "ip('1.2.3.4').family() == 4",
        "url('https://x').getHost() == 'x'", "'a'.startsWith(object.metadata.name)",
        "object.spec.containers.exists(c, c.name.size() + 1 == 2)", "object == null", "null == object",
        "object.spec.containers[0].name == 'app'", "'a' in ['a', 'b']", "'a' in {'a': 1}",
        "object.metadata.name in object.metadata.labels", "[1, 2][0] + 1", "{'a': 1}['a'] + 1",
        "'abc'.split('b').size() == 2", "object.metadata.labels.all(k, k.startsWith('a'))",
        "[1, 2].map(x, x * 2).sum() > 1", "object.spec.containers.all(c, c.name.matches('^a'))",
        "size(object.spec.containers) == 2", "string(1) + 'a'", "int('1') + 1", "double(1) + 1.5",
        "true ? 'a' : object.metadata.name", "has(object.spec) && object.spec.containers.size() > 0",
        "[object.metadata.name].exists(n, n == 'web-1')",
    ]
}
