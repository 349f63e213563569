/// The `--name value` options of one benchmark's command line.
struct BenchArguments {
    let arguments: [String]

    init(_ arguments: [String]) { self.arguments = arguments }

    /// The value after `name`, if both are there.
    func string(_ name: String) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// The integer after `name`, or `fallback` when it is missing or not an integer.
    func int(_ name: String, _ fallback: Int) -> Int {
        string(name).flatMap(Int.init) ?? fallback
    }
}
