// In-process benchmarks, run by the `scripts/bench-*` scripts: `vigil-bench <benchmark> [arguments...]`.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "json":
    JSONBench.run(arguments: Array(arguments.dropFirst()))
default:
    print("usage: vigil-bench json <file.json> [repetitions]")
    exit(2)
}
