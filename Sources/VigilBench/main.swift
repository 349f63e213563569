// In-process benchmarks, run by the `scripts/bench-*` scripts: `vigil-bench <benchmark> [arguments...]`,
// one benchmark per file; each prints its figures and ends with one summary line of key=value pairs.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "json":
    JSONBench.run(arguments: Array(arguments.dropFirst()))
case "jmespath":
    exit(JMESPathBench.main(Array(arguments.dropFirst())))
case "cel":
    exit(CELBench.main(Array(arguments.dropFirst())))
case "engine":
    exit(EngineBench.main(Array(arguments.dropFirst())))
case "http":
    await HTTPBench.run(Array(arguments.dropFirst()))
case "apiserver":
    try await APIServerBench.run(Array(arguments.dropFirst()))
case "registry":
    try await RegistryBench.run(Array(arguments.dropFirst()))
case "scan":
    exit(try await ScanBench.run(Array(arguments.dropFirst())))
case "kubeclient":
    try await KubeClientBench.run(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(
        Data("usage: vigil-bench json|jmespath|cel|engine|http|apiserver|registry|scan|kubeclient ...\n".utf8))
    exit(2)
}
