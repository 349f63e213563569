import CEL
import Foundation
import JSONValue

/// `vigil-bench cel CASES.jsonl N`: compiles each case's expression once and evaluates it N times over its
/// variables. Cases are the celgo-oracle's JSON lines (`{"expr": ..., "vars": {"object": ..., ...}}`), so
/// both engines read the same file. Prints one JSON line per case (`expr`, `ns_per_eval`, and `error` when
/// it does not compile or evaluates to an error), then `evals=N total_s=S program_bytes=B` where B is the
/// resident memory per compiled program (all cases compiled 200 times over, divided by the programs).
enum CELBench {
    static let declared = ["object", "oldObject", "request", "params", "namespaceObject"]

    static func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 2, let lines = try? String(contentsOfFile: arguments[0], encoding: .utf8),
            let iterations = Int(arguments[1])
        else {
            FileHandle.standardError.write(Data("usage: vigil-bench cel CASES.jsonl ITERATIONS\n".utf8))
            return 2
        }
        var cases: [(expr: String, vars: [String: CELValue])] = []
        for line in lines.split(separator: "\n") where !line.isEmpty {
            guard let json = try? JSONValue.parse(Array(line.utf8)), let expr = json["expr"]?.stringValue else {
                continue
            }
            var vars: [String: CELValue] = [:]
            for name in declared { vars[name] = .null }
            if case .object(let given) = json["vars"] {
                for (name, value) in given { vars[name] = CELValue(json: value) }
            }
            cases.append((expr, vars))
        }
        var totalEvals = 0
        var totalSeconds = 0.0
        var programs: [CELProgram] = []
        for (expr, vars) in cases {
            var line: JSONObject = ["expr": .string(expr)]
            let environment = CELEnvironment(
                variables: vars.keys.sorted(), libraries: CELEnvironment.kubernetesLibraries)
            do {
                let program = try environment.compile(expr)
                programs.append(program)
                let slots = program.variables.map { vars[$0] ?? .null }
                if case .error(let error) = program.evaluate(slots: slots) { line["error"] = .string(error.message) }
                let start = ContinuousClock.now
                for _ in 0..<iterations { _ = program.evaluate(slots: slots) }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                totalEvals += iterations
                totalSeconds += seconds
                line["ns_per_eval"] = .double((seconds * 1e9 / Double(iterations) * 10).rounded() / 10)
            } catch {
                line["error"] = .string(error.description)
            }
            print(JSONValue.object(line).serialized(pretty: false))
        }
        let copies = 200
        let before = ProcessMemory.residentMegabytes
        var kept: [CELProgram] = []
        kept.reserveCapacity(copies * programs.count)
        for _ in 0..<copies {
            for program in programs {
                let environment = CELEnvironment(
                    variables: program.variables, libraries: CELEnvironment.kubernetesLibraries)
                if let compiled = try? environment.compile(program.source) { kept.append(compiled) }
            }
        }
        let after = ProcessMemory.residentMegabytes
        let bytesPerProgram = kept.isEmpty ? 0 : (after - before) * 1_048_576 / Double(kept.count)
        print(
            "evals=\(totalEvals) total_s=\(String(format: "%.3f", totalSeconds)) program_bytes=\(Int(bytesPerProgram))")
        withExtendedLifetime(kept) {}
        return 0
    }
}
