import Foundation
import JMESPath
import JSONValue

/// `vigil-bench jmespath cases <compliance-dir>` prints the benchmark cases (the compliance suite's
/// benchmarks plus Kyverno-style expressions over Pod and list documents) as JSON;
/// `vigil-bench jmespath run <cases.json> [seconds-per-case]` evaluates each pre-compiled expression
/// repeatedly and prints evaluations per second, one JSON object per line. `scripts/bench-jmespath` runs
/// the same cases through Python's `jmespath` and compares.
enum JMESPathBench {
    static func main(_ arguments: [String]) -> Int32 {
        switch (arguments.first, arguments.count) {
        case ("cases", 2):
            do {
                print(JSONValue.array(try cases(complianceDirectory: arguments[1])).serialized())
                return 0
            } catch {
                return fail("\(error)")
            }
        case ("run", 2), ("run", 3):
            let seconds = arguments.count == 3 ? Double(arguments[2]) ?? 0.2 : 0.2
            return run(casesFile: arguments[1], secondsPerCase: seconds)
        default:
            return fail("usage: vigil-bench jmespath cases <compliance-dir> | run <cases.json> [seconds]")
        }
    }

    static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("vigil-bench jmespath: \(message)\n".utf8))
        return 1
    }

    static func run(casesFile: String, secondsPerCase: Double) -> Int32 {
        guard let data = FileManager.default.contents(atPath: casesFile),
            case .array(let cases)? = try? JSONValue.parse(Array(data))
        else { return fail("cannot read \(casesFile)") }
        for testCase in cases {
            guard let name = testCase["name"]?.stringValue, let text = testCase["expression"]?.stringValue,
                let document = testCase["document"]
            else { return fail("malformed case \(testCase)") }
            let expression: JMESPathExpression
            do {
                expression = try JMESPathExpression(text)
            } catch {
                return fail("\(name): \(error)")
            }
            let rate = measure(seconds: secondsPerCase) {
                // A failing evaluation is still work done; the result is kept alive so it is not optimised away.
                blackHole(try? expression.search(document))
            }
            print(JSONValue.object(["name": .string(name), "evals_s": .double(rate.rounded())]).serialized())
        }
        return 0
    }

    /// Runs `body` in batches until `seconds` have passed; returns calls per second.
    static func measure(seconds: Double, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        for _ in 0..<100 { body() }  // warm up
        var calls = 0
        var batch = 64
        let start = clock.now
        var elapsed = Duration.zero
        while elapsed < .seconds(seconds) {
            for _ in 0..<batch { body() }
            calls += batch
            batch = min(batch * 2, 1 << 16)
            elapsed = clock.now - start
        }
        let (whole, fraction) = elapsed.components
        return Double(calls) / (Double(whole) + Double(fraction) * 1e-18)
    }

    @inline(never)
    static func blackHole(_ value: JSONValue?) {
        withExtendedLifetime(value) {}
    }
}
