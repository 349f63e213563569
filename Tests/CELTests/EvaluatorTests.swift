import CEL
import JSONValue
import Testing

/// Evaluation semantics: errors, absorption, numeric comparison across types, conversions, time.
struct EvaluatorTests {
    func evaluate(_ source: String, _ variables: [String: CELValue] = [:]) throws -> CELValue {
        try CELEnvironment(variables: Array(variables.keys)).compile(source).evaluate(variables)
    }

    func isError(_ value: CELValue) -> Bool { value.isError }

    @Test(arguments: [
        "9223372036854775807 + 1", "-9223372036854775808 - 1", "1 / 0", "1 % 0", "0u - 1u", "2 * 4611686018427387904",
        "-(-9223372036854775808)", "-9223372036854775808 / -1", "{'a': 1}.b", "[1][1]", "1 + 1u", "int(1e19)",
        "uint(-1)", "{'a': 1, 'a': 2}", "int('x')", "timestamp('2020-13-01T00:00:00Z')", "1 < 'a'",
        "'abc'.matches('(')", "optional.none().value()", "duration('1x')",
    ])
    func errors(source: String) throws {
        #expect(isError(try evaluate(source)))
    }

    @Test func logicalOperatorsAbsorbErrorsCommutatively() throws {
        #expect(CELValue.identical(try evaluate("false && 1 / 0 > 0"), .bool(false)))
        #expect(CELValue.identical(try evaluate("1 / 0 > 0 && false"), .bool(false)))
        #expect(CELValue.identical(try evaluate("true || 1 / 0 > 0"), .bool(true)))
        #expect(CELValue.identical(try evaluate("1 / 0 > 0 || true"), .bool(true)))
        #expect(isError(try evaluate("1 / 0 > 0 || false")))
        #expect(CELValue.identical(try evaluate("[1, 0].exists(x, 1 / x > 0)"), .bool(true)))
        #expect(isError(try evaluate("[0, 1].all(x, 1 / x > 0)")))
        #expect(CELValue.identical(try evaluate("[0, -1].all(x, 1 / x > 0)"), .bool(false)))
    }

    @Test(arguments: [
        "1 == 1u", "1 == 1.0", "1u == 1.0", "-1 < 1u", "1 < 1.5", "18446744073709551615u > 9223372036854775807",
        "2.5 > 2", "[1, 2] == [1.0, 2u]", "{1: 'a'}[1u] == 'a'", "1u in [1]", "dyn(1) != 'a'",
        "!(9223372036854775807 < 9223372036854775808.0)", "'Am\\u00E9lie' != 'Ame\\u0301lie'", "!(0.0/0.0 == 0.0/0.0)",
        "type(1) == int",
        "type(type(1)) == type", "type(null) == null_type", "type(duration('1s')) == google.protobuf.Duration",
    ])
    func heterogeneousNumbersAndTypes(source: String) throws {
        #expect(CELValue.identical(try evaluate(source), .bool(true)))
    }

    @Test(arguments: [
        ("int(-1.9)", CELValue.int(-1)), ("uint('42')", .uint(42)), ("double(3)", .double(3)),
        ("string(1.5)", .string("1.5")),
        ("string(b'abc')", .string("abc")), ("bytes('é')", .bytes([0xC3, 0xA9])), ("bool('true')", .bool(true)),
        ("string(timestamp('2009-02-13T23:31:30.120Z'))", .string("2009-02-13T23:31:30.12Z")),
        ("string(duration('1m30s'))", .string("90s")), ("int(timestamp('1970-01-02T00:00:00Z'))", .int(86400)),
        ("'héllo'.size()", .int(5)), ("size(b'h\\xffi')", .int(3)), ("'abc'.contains('bc')", .bool(true)),
        ("'abc'.startsWith('ab') && 'abc'.endsWith('bc')", .bool(true)),
        ("'k8s-1'.matches('^k8s-\\\\d$')", .bool(true)),
        ("timestamp('2009-02-13T23:31:30Z').getFullYear()", .int(2009)),
        ("timestamp('2009-02-13T23:31:30Z').getMonth()", .int(1)),
        ("timestamp('2009-02-13T23:31:30Z').getDayOfWeek()", .int(5)),
        ("timestamp('2009-02-13T23:31:30Z').getDayOfYear()", .int(43)),
        ("timestamp('2009-02-13T23:31:30Z').getHours('America/Los_Angeles')", .int(15)),
        ("timestamp('2009-02-13T23:31:30Z').getHours('+05:30')", .int(5)),
        ("timestamp('2009-02-13T23:31:30Z') + duration('1h') > timestamp('2009-02-14T00:00:00Z')", .bool(true)),
        (
            "timestamp('2009-02-13T23:31:30Z') - timestamp('2009-02-13T23:30:00Z')",
            .duration(CELDuration(nanoseconds: 90_000_000_000))
        ),
        ("duration('1h30m').getMinutes()", .int(90)),
    ])
    func standardLibrary(source: String, expected: CELValue) throws {
        #expect(CELValue.identical(try evaluate(source), expected))
    }

    @Test func kubernetesObjectsStayJSON() throws {
        let pod: JSONValue = [
            "metadata": ["name": "web", "labels": ["app": "web"]],
            "spec": ["containers": [["name": "a", "image": "registry.io/a:1", "ports": [["containerPort": 80]]]]],
        ]
        let object = CELValue(json: pod)
        #expect(
            CELValue.identical(
                try evaluate("object.spec.containers[0].ports[0].containerPort", ["object": object]), .int(80)))
        #expect(
            CELValue.identical(
                try evaluate("has(object.metadata.labels) && !has(object.metadata.annotations)", ["object": object]),
                .bool(true)))
        #expect(
            CELValue.identical(try evaluate("object.metadata.labels['app'] == 'web'", ["object": object]), .bool(true)))
        #expect(isError(try evaluate("object.metadata.namespace", ["object": object])))
        #expect(
            CELValue.identical(
                try evaluate("object.?metadata.?namespace.orValue('default')", ["object": object]), .string("default")))
        let all = "object.spec.containers.all(c, c.image.startsWith('registry.io/'))"
        #expect(CELValue.identical(try evaluate(all, ["object": object]), .bool(true)))
    }

    @Test func undeclaredNamesAndFunctionsFailToCompile() {
        #expect(throws: CELCompileError.self) { try CELEnvironment().compile("x + 1") }
        #expect(throws: CELCompileError.self) { try CELEnvironment().compile("nosuchfunction(1)") }
    }

    @Test func librariesAddFunctions() throws {
        struct Greeting: CELLibrary {
            func register(into registry: inout CELFunctionRegistry) {
                registry.add(
                    .unary("greet", receiver: true, .string) { name in
                        guard case .string(let name) = name else { return .error(CELError("not a string")) }
                        return .string("hello " + name)
                    })
            }
        }
        let program = try CELEnvironment(variables: ["who"], libraries: [Greeting()]).compile("who.greet()")
        #expect(CELValue.identical(program.evaluate(["who": "vigil"]), .string("hello vigil")))
        #expect(program.evaluate(["who": 1]).isError)
    }
}

/// Kyverno's extra libraries: ext.Math and base64.
struct KyvernoLibraryTests {
    @Test(arguments: [
        ("math.greatest(1, 3u, 2.5)", CELValue.uint(3)), ("math.least([4.0, -1.5, 2.0])", .double(-1.5)),
        ("math.round(-1.5)", .double(-2)), ("math.bitShiftRight(-1, 60)", .int(15)),
        ("base64.encode(b'hello')", .string("aGVsbG8=")), ("base64.decode('aGVsbG8')", .bytes(Array("hello".utf8))),
        ("'%s=%d'.format(['replicas', 3])", .string("replicas=3")),
    ])
    func functions(source: String, expected: CELValue) throws {
        #expect(CELValue.identical(try CELEnvironment.kyverno().compile(source).evaluate(), expected))
    }
}
