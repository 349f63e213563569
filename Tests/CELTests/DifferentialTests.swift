import CEL
import Foundation
import JSONValue
import Testing

/// Runs Kubernetes-style expressions over the same objects through Vigil's CEL and the cel-go oracle
/// (`../shared/peers`, cel-go with Kubernetes' environment, `-env k8s`, and Kyverno's, `-env kyverno`) and
/// requires the same outcome: the same value and type name, or an error on both sides (a compile error
/// counts as an error), and the same runtime cost (Kubernetes' units). Skipped (with a message) where the
/// oracle is absent. The expressions are in `DifferentialTests+Expressions.swift`; compile-time type errors
/// are compared in ``CheckerTests``.
struct DifferentialTests {
    static let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/peers").standardized

    static let pod: JSONValue = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": [
            "name": "web-1", "namespace": "prod", "labels": ["app": "web", "tier": "frontend"],
            "annotations": ["example.com/owner": "team-a"],
        ],
        "spec": [
            "hostNetwork": false,
            "containers": [
                [
                    "name": "app", "image": "registry.example.com/web:1.2.3",
                    "ports": [["containerPort": 8080, "hostPort": 0]],
                    "securityContext": ["runAsNonRoot": true, "capabilities": ["drop": ["ALL"]]],
                    "resources": ["limits": ["memory": "256Mi", "cpu": "500m"]],
                ],
                ["name": "sidecar", "image": "docker.io/library/envoy:latest", "ports": []],
            ],
            "initContainers": [["name": "init", "image": "busybox"]],
        ],
    ]

    struct Case {
        var expression: String
        var object: JSONValue
    }

    @Test(arguments: ["k8s", "kyverno"])
    func vigilAgreesWithCelGo(environmentName: String) throws {
        var cases = Self.podExpressions.map { Case(expression: $0, object: Self.pod) }
        cases += Self.deploymentExpressions.map { Case(expression: $0, object: Self.deployment) }
        if environmentName == "kyverno" {
            cases += Self.kyvernoExpressions.map { Case(expression: $0, object: Self.deployment) }
        }
        try compare(cases, environmentName: environmentName)
    }

    /// The expressions of Kyverno's own CEL policy library over their test resources (Kyverno's environment;
    /// expressions using Kyverno's own functions, which neither side has, are errors on both sides).
    @Test func policyLibraryAgreesWithCelGo() throws {
        let cases = try Self.policyCases()
        guard !cases.isEmpty else {
            print("SKIPPED: no ValidatingPolicy documents under ../shared/testdata/kyverno/policies")
            return
        }
        try compare(cases, environmentName: "kyverno")
    }

    /// The path of the cel-go oracle, unpacked by `../shared/peers/setup`; nil (the test is skipped, and says
    /// so) where the peers are not present.
    static func oraclePath() throws -> String? {
        let setup = peers.appendingPathComponent("setup")
        guard FileManager.default.isExecutableFile(atPath: setup.path) else {
            print("SKIPPED: the cel-go oracle is not at \(setup.path)")
            return nil
        }
        let oracle = try run(setup.path, arguments: [], input: Data())
        return String(decoding: oracle, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the cases through the oracle and Vigil's environment of the same name and expects the same
    /// outcomes.
    func compare(_ cases: [Case], environmentName: String) throws {
        guard let path = try Self.oraclePath() else { return }
        let environment = environmentName == "kyverno" ? CELEnvironment.kyverno() : CELEnvironment.kubernetes()
        var input = ""
        for item in cases {
            let line: JSONValue = ["expr": .string(item.expression), "vars": ["object": item.object]]
            input += line.serialized(pretty: false) + "\n"
        }
        let output = String(
            decoding: try Self.run(path, arguments: ["-env", environmentName], input: Data(input.utf8)), as: UTF8.self)
        let replies = output.split(separator: "\n")
        try #require(replies.count == cases.count)
        var agreed = 0
        var errors = 0
        var costs = 0
        var costsAgreed = 0
        var costMismatches: [(line: String, cost: Int, expected: Int)] = []
        for (item, reply) in zip(cases, replies) {
            let expression = item.expression
            let expected = try JSONValue.parse(Array(reply.utf8))
            let result: CELValue
            let cost: Int
            do {
                let evaluation = try environment.compile(expression).evaluateWithCost([
                    "object": CELValue(json: item.object)
                ])
                result = evaluation.value
                cost = evaluation.cost
            } catch {
                #expect(expected["error"] != nil, "\(expression): cel-go gives \(expected), Vigil: \(error)")
                if expected["error"] != nil {
                    agreed += 1
                    errors += 1
                }
                continue
            }
            if let error = expected["error"] {
                #expect(result.isError, "\(expression): cel-go fails (\(error)), Vigil gives \(result)")
                if result.isError {
                    agreed += 1
                    errors += 1
                }
                continue
            }
            guard !result.isError else {
                Issue.record("\(expression): cel-go gives \(expected["value"]!), Vigil fails: \(result)")
                continue
            }
            let sameType = result.celType.name == expected["type"]?.stringValue
            let sameValue = Self.sameJSON(Self.oracleJSON(result), expected["value"])
            #expect(sameType && sameValue, "\(expression): cel-go \(expected), Vigil \(result)")
            if sameType && sameValue { agreed += 1 }
            // Kubernetes' runtime cost of the evaluation (cel-go reports none for an error).
            if case .int(let expectedCost)? = expected["cost"] {
                costs += 1
                if cost == expectedCost {
                    costsAgreed += 1
                } else {
                    let line: JSONValue = ["expr": .string(expression), "vars": ["object": item.object]]
                    costMismatches.append((line.serialized(pretty: false), cost, expectedCost))
                }
            }
        }
        // cel-go iterates Go maps in a random order, so a comprehension over a map that stops early (`all`,
        // `exists`) costs what the order it happened to take costs; Vigil iterates in document order, which is
        // one of them. A differing cost must therefore be what cel-go reports for some order: ask again.
        var orderDependent = 0
        if !costMismatches.isEmpty {
            let input = String(repeating: costMismatches.map { $0.line + "\n" }.joined(), count: 40)
            let output = String(
                decoding: try Self.run(path, arguments: ["-env", environmentName], input: Data(input.utf8)),
                as: UTF8.self
            ).split(separator: "\n")
            for (index, mismatch) in costMismatches.enumerated() {
                let seen = stride(from: index, to: output.count, by: costMismatches.count).compactMap { row in
                    (try? JSONValue.parse(Array(output[row].utf8)))?["cost"]
                }
                let matched = seen.contains(.int(mismatch.cost))
                #expect(
                    matched, "\(mismatch.line): cel-go cost \(mismatch.expected) (or \(seen)), Vigil \(mismatch.cost)")
                if matched { orderDependent += 1 }
            }
        }
        print(
            "differential (\(environmentName)): \(agreed) of \(cases.count) cases agree with cel-go "
                + "(\(errors) of them errors on both sides); cost equal in \(costsAgreed) of \(costs), "
                + "\(orderDependent) more equal to cel-go's for another map iteration order")
    }

    /// A result as the oracle writes it: bytes in base64 (as protobuf JSON), optionals as
    /// `{"hasValue": ..., "value": ...}`, map keys as strings.
    static func oracleJSON(_ value: CELValue) -> JSONValue? {
        switch value {
        case .bytes(let bytes): return .string(Data(bytes).base64EncodedString())
        case .optional(let wrapped):
            guard let wrapped else { return ["hasValue": false] }
            return ["hasValue": true, "value": oracleJSON(wrapped) ?? .null]
        case .list(let list):
            var elements: [JSONValue] = []
            for element in list.values {
                guard let json = oracleJSON(element) else { return nil }
                elements.append(json)
            }
            return .array(elements)
        case .map(let map):
            var object = JSONObject()
            for (key, element) in map.entries {
                guard let json = oracleJSON(element) else { return nil }
                if case .string(let text) = key.value {
                    object[text] = json
                } else if let keyJSON = key.value.json {
                    object[keyJSON.serialized(pretty: false)] = json
                }
            }
            return .object(object)
        default: return value.json
        }
    }

    /// JSON equality with numbers compared by value (cel-go writes 2.0 as 2).
    static func sameJSON(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (.int(let x)?, .int(let y)?): return x == y
        case (.int(let x)?, .double(let y)?), (.double(let y)?, .int(let x)?): return Double(x) == y
        case (.double(let x)?, .double(let y)?): return x == y
        case (.array(let x)?, .array(let y)?):
            return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
        case (.object(let x)?, .object(let y)?):
            return x.count == y.count && x.allSatisfy { key, value in sameJSON(value, y[key]) }
        default: return a == b
        }
    }

    static func run(_ path: String, arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
