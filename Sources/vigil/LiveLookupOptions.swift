import ArgumentParser

/// The options of a client that `vigil apply` and `vigil test` use only when a flag asks for live lookups.
protocol LiveLookupClientOptions: ParsableArguments {
    associatedtype Client
    /// The long name of the flag that turns the client on (`registry` for `--registry`).
    static var flagName: String { get }
    static var flagHelp: String { get }
    /// The client the options describe; each option falls back to its environment variable in `environment`.
    /// - Throws: `ValidationError` for a bad option or a client that cannot start.
    func makeClient(environment: [String: String]) throws -> Client
}

extension LiveLookupClientOptions {
    /// The client `start` makes; a failure to start it is a `ValidationError` naming the client (`name`).
    func starting(_ name: String, _ start: () throws -> Client) throws -> Client {
        do {
            return try start()
        } catch {
            throw ValidationError("cannot start the \(name): \(error)")
        }
    }
}

/// A flag that turns on live lookups (`--registry`, `--service-calls`; without it only mocks answer) and the
/// options of the client that makes them.
struct LiveLookupOptions<Options: LiveLookupClientOptions>: ParsableArguments {
    @Flag(name: .customLong(Options.flagName), help: ArgumentHelp(Options.flagHelp))
    var enabled = false

    @OptionGroup var client: Options

    /// The client the options describe, or `nil` without the flag.
    /// - Throws: `ValidationError` for a bad option or a client that cannot start.
    func makeClient() throws -> Options.Client? {
        guard enabled else { return nil }
        return try client.makeClient(environment: [:])
    }
}
