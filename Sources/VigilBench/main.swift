// In-process benchmarks, run by the `scripts/bench-*` scripts: `vigil-bench <benchmark> [arguments...]`.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "json":
    JSONBench.run(arguments: Array(arguments.dropFirst()))
case "jmespath":
    exit(JMESPathBench.main(Array(arguments.dropFirst())))
case "engine":
    exit(EngineBench.main(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: vigil-bench json|jmespath|engine ...\n".utf8))
    exit(2)
}
