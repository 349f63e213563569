import CEL
import Foundation
import JSONValue
import Testing

/// The runtime cost guard in Kubernetes' cost units: what an evaluation costs, and a pathological expression
/// ending with the cost-limit error where Kubernetes' would.
struct CostTests {
    static let pod: JSONValue = [
        "metadata": ["name": "web-1", "labels": ["app": "web"]],
        "spec": ["containers": [["name": "a", "image": "x:1"], ["name": "b", "image": "y:latest"]]],
    ]

    /// Costs as cel-go v0.26 with Kubernetes' environment reports them for ``pod`` (the differential tests
    /// compare many more against the oracle itself).
    @Test(arguments: [
        ("1 + 2", 1), ("object.spec.containers[0].name", 5), ("has(object.spec.containers)", 2),
        ("object.metadata.name == 'web-1'", 4), ("[1, 2, 3]", 0), ("{'a': object}", 31),
        ("object.metadata.name in ['a', 'b']", 3), ("1 in [1, object.spec.containers.size()]", 16),
        ("object.spec.containers.all(c, c.name != '')", 14), ("[1, 2, 3].map(x, x)", 40),
        ("object.spec.containers.filter(c, c.name == 'a')", 23), ("true ? object.metadata.name : 'x'", 2),
        ("object.metadata.?labels.?app.orValue(object.metadata.name)", 4),
        ("object.metadata.?labels.?zzz.orValue(object.metadata.name)", 6),
        ("'abcdefghijklmnopqrstuvwxyz'.matches('abcdefghijklmnopqrstuvwxyz')", 21),
        ("'%s-abcdefghijklmnopqrstuvwxyz'.format([object.metadata.name])", 16),
        ("sets.equivalent([1, 2, 3], [1, 2])", 13),
        ("[1, 2, 1].distinct()", 29), ("format.dns1123Label().validate('Web_1')", 9),
        ("'abcdefghijklmnopqrstuvwxyz'.split('a')", 6), ("['abcdefghijklmnopqrstuvwxyz', 'b'].join('-')", 6),
    ])
    func costOfAnEvaluation(source: String, cost: Int) throws {
        let program = try CELEnvironment.kubernetes().compile(source)
        let evaluation = program.evaluateWithCost(["object": CELValue(json: Self.pod)])
        #expect(!evaluation.value.isError, "\(source): \(evaluation.value)")
        #expect(evaluation.cost == cost, "\(source)")
    }

    /// `object.items.all(x, object.items.all(y, x + y >= 0))` costs 7n² + 6n + 3: Kubernetes' limit of
    /// 1,000,000 lets 377 items through (997,168) and stops 378 (1,002,459), and so does Vigil.
    @Test func nestedComprehensionsOverABigObjectStopWhereKubernetesDoes() throws {
        let source = "object.items.all(x, object.items.all(y, x + y >= 0))"
        let program = try CELEnvironment.kubernetes().compile(source)
        func object(_ count: Int) -> JSONValue { ["items": .array((0..<count).map { .int($0) })] }
        let under = program.evaluateWithCost(["object": CELValue(json: object(377))])
        #expect(CELValue.identical(under.value, true))
        #expect(under.cost == 997_168)
        let over = program.evaluateWithCost(["object": CELValue(json: object(378))])
        guard case .error(let error) = over.value else {
            Issue.record("expected the cost limit to stop the evaluation, got \(over.value)")
            return
        }
        #expect(error == .costLimitExceeded)
        #expect(over.cost > 1_000_000)
        // A much bigger object stops as soon as the limit is passed, not after the whole evaluation.
        let huge = program.evaluateWithCost(["object": CELValue(json: object(20_000))])
        #expect(huge.value.isError && huge.cost < 1_100_000)
    }

    /// The same verdicts from the cel-go oracle, when it is present.
    @Test func celGoStopsAtTheSamePoint() throws {
        guard let path = try DifferentialTests.oraclePath() else { return }
        let source = "object.items.all(x, object.items.all(y, x + y >= 0))"
        let program = try CELEnvironment.kubernetes().compile(source)
        for count in [300, 377, 378, 500] {
            let object: JSONValue = ["items": .array((0..<count).map { .int($0) })]
            let line: JSONValue = ["expr": .string(source), "vars": ["object": object]]
            let reply = try DifferentialTests.run(
                path, arguments: ["-env", "k8s"], input: Data((line.serialized(pretty: false) + "\n").utf8))
            let expected = try JSONValue.parse(Array(reply))
            let evaluation = program.evaluateWithCost(["object": CELValue(json: object)])
            if let error = expected["error"] {
                #expect(error.stringValue == CELError.costLimitExceeded.message)
                #expect(CELValue.identical(evaluation.value, .error(.costLimitExceeded)), "\(count) items")
            } else {
                #expect(expected["cost"] == .int(evaluation.cost), "\(count) items")
            }
        }
    }

    /// A lower limit, in the same units: `items.all(x, x > 0)` costs 5 per item plus 2.
    @Test func theLimitIsConfigurable() throws {
        var environment = CELEnvironment(variables: ["items"])
        environment.costLimit = 52
        let program = try environment.compile("items.all(x, x > 0)")
        let ten = CELValue.list(CELList((1...10).map { CELValue.int(Int64($0)) }))
        #expect(CELValue.identical(program.evaluate(["items": ten]), .bool(true)))
        let eleven = CELValue.list(CELList((1...11).map { CELValue.int(Int64($0)) }))
        #expect(CELValue.identical(program.evaluate(["items": eleven]), .error(.costLimitExceeded)))
    }
}
