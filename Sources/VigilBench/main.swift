import Foundation

// `vigil-bench <benchmark> [arguments...]`: one in-process benchmark per file; see scripts/bench-*.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "jmespath":
    exit(JMESPathBench.main(Array(arguments.dropFirst())))
case "engine":
    exit(EngineBench.main(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: vigil-bench jmespath|engine ...\n".utf8))
    exit(2)
}
