import CEL
import Foundation
import JSONValue
import Testing

/// Runs Kubernetes-style expressions over the same objects through Vigil's CEL and the cel-go oracle
/// (`../shared/peers`, cel-go with Kyverno's environment) and requires the same outcome: the same value
/// and type name, or an error on both sides. Skipped (with a message) where the oracle is absent.
/// Not compared: expressions cel-go's type checker refuses but which evaluate under dynamic dispatch
/// (`1 == 1.0`); Vigil has no static checker.
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

    static let expressions = [
        "object.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
        "object.spec.containers.exists(c, c.image.endsWith(':latest'))",
        "object.spec.containers.map(c, c.name)",
        "object.spec.containers.filter(c, has(c.securityContext)).map(c, c.name)",
        "object.spec.containers.exists_one(c, c.name == 'app')",
        "object.metadata.labels['app'] == 'web' && object.metadata.namespace != 'kube-system'",
        "has(object.metadata.labels.tier) && !has(object.metadata.labels.missing)",
        "object.metadata.?labels.?team.orValue('none')",
        "object.spec.?hostNetwork.orValue(false) == false",
        "object.spec.containers[0].ports[0].containerPort",
        "object.spec.containers[0].ports[0].containerPort + 1",
        "object.spec.containers[0].ports[0].containerPort / 3.0",
        "size(object.spec.containers) + size(object.spec.initContainers)",
        "object.spec.containers + object.spec.?initContainers.orValue([])",
        "object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d.upperAscii() == 'ALL'))",
        "object.metadata.name.matches('^web-[0-9]+$')",
        "object.metadata.name.split('-')",
        "object.metadata.name.replace('-', '_').upperAscii()",
        "object.metadata.name.substring(0, 3) + '/' + object.metadata.namespace",
        "'%s in %s'.format([object.metadata.name, object.metadata.namespace])",
        "object.metadata.annotations['example.com/owner'].indexOf('-')",
        "object.spec.containers.map(c, c.image.split(':')[1])",
        "object.metadata.missing",
        "object.spec.containers[5]",
        "int(object.spec.containers[0].ports[0].containerPort) * 9223372036854775807",
        "object.metadata.labels.all(k, k.size() > 2)",
        "object.metadata.labels.all(k, v, v.size() > 2)",
        "object.metadata.labels.transformMap(k, v, v + '!')",
        "object.spec.containers.transformList(i, c, i)",
        "type(object.spec.containers[0].ports[0].containerPort) == int",
        "oldObject == null ? 'create' : 'update'",
        "timestamp('2024-01-01T00:00:00Z') + duration('36h') > timestamp('2024-01-02T00:00:00Z')",
        "duration('90m').getHours()",
        "string(duration('1h30m'))",
        "cidr('10.0.0.0/8').containsIP('10.1.2.3') && ip('10.1.2.3').family() == 4",
        "isIP('300.1.1.1') || isCIDR('10.0.0.0/33')",
        "math.greatest(object.spec.containers.map(c, c.name.size()))",
        "base64.encode(bytes(object.metadata.name))",
        "cel.bind(names, object.spec.containers.map(c, c.name), names.size() == 2 && 'app' in names)",
        "[1, 2, 3].map(x, x * 2).filter(x, x > 2)",
        "{'a': 1, 'b': 2}.exists(k, k == 'b')",
        "1u + 2u", "uint(3) - uint(4)", "-9223372036854775808 / -1", "7 % 0", "0.1 + 0.2", "dyn(1) == 1.0",
        "'abc' < 'abd'", "b'abc' + b'def'", "dyn(1) == dyn(1u)", "[1, 2] + [3]", "{'x': 1}.x",
        "'\\u00e9'.size()", "'résumé'.charAt(1)", "string(1.5e10)", "double('1e3')", "int('0x10')",
        "optional.of(1).hasValue()", "optional.none().orValue(3)",
    ]

    @Test func vigilAgreesWithCelGo() throws {
        let setup = Self.peers.appendingPathComponent("setup")
        guard FileManager.default.isExecutableFile(atPath: setup.path) else {
            print("SKIPPED: the cel-go oracle is not at \(setup.path)")
            return
        }
        let oracle = try Self.run(setup.path, arguments: [], input: Data())
        let path = String(decoding: oracle, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var input = ""
        for expression in Self.expressions {
            let line: JSONValue = ["expr": .string(expression), "vars": ["object": Self.pod]]
            input += line.serialized(pretty: false) + "\n"
        }
        let output = String(decoding: try Self.run(path, arguments: [], input: Data(input.utf8)), as: UTF8.self)
        let replies = output.split(separator: "\n")
        try #require(replies.count == Self.expressions.count)
        var agreed = 0
        for (expression, reply) in zip(Self.expressions, replies) {
            let expected = try JSONValue.parse(Array(reply.utf8))
            let program = try CELEnvironment.kyverno().compile(expression)
            let result = program.evaluate(["object": CELValue(json: Self.pod)])
            if expected["error"] != nil {
                #expect(result.isError, "\(expression): cel-go fails (\(expected["error"]!)), Vigil gives \(result)")
                if result.isError { agreed += 1 }
                continue
            }
            guard !result.isError else {
                Issue.record("\(expression): cel-go gives \(expected["value"]!), Vigil fails: \(result)")
                continue
            }
            let sameType = result.celType.name == expected["type"]?.stringValue
            // The oracle writes bytes in base64, as protobuf JSON does.
            let json =
                if case .bytes(let bytes) = result { JSONValue.string(Data(bytes).base64EncodedString()) } else {
                    result.json
                }
            let sameValue = Self.sameJSON(json, expected["value"])
            #expect(sameType && sameValue, "\(expression): cel-go \(expected), Vigil \(result)")
            if sameType && sameValue { agreed += 1 }
        }
        print("differential: \(agreed) of \(Self.expressions.count) expressions agree with cel-go")
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
