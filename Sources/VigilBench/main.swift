// vigil-bench: in-process benchmarks. `vigil-bench <name> [arguments]`; each benchmark prints figures and ends
// with one summary line of key=value pairs.
#if canImport(Glibc)
    import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "http":
    await HTTPBench.run(Array(arguments.dropFirst()))
default:
    print("usage: vigil-bench http <base-url>")
    exit(2)
}
