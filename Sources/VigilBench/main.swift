// vigil-bench: in-process benchmarks. The first argument names the benchmark.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "apiserver":
    try await APIServerBench.run(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: vigil-bench apiserver [--pods N] [--watchers N] [--events N]\n".utf8))
    exit(2)
}
