import Foundation
import Hummingbird
import JSONValue
import Logging
import ServiceLifecycle

/// The demo's JSON web service for `apiCall.service` context entries: a catalog answering
/// `GET /v1/allowed-images` with the image patterns a cluster allows, `{"allowedImages": [...]}`, over
/// plain HTTP on a free loopback port. The sample policy `allowed-images` calls it once per namespace.
final class DemoService: Sendable {
    /// `http://127.0.0.1:<port>`, what `DEMO_SERVICE` stands for in the sample policies.
    let baseURL: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(baseURL: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.group = group
        self.task = task
    }

    /// Starts the service; returns once it listens.
    /// - Parameter allowedImages: the wildcard patterns the catalog answers.
    static func start(allowedImages: [String]) async throws -> DemoService {
        let body = JSONValue.object(["allowedImages": .array(allowedImages.map(JSONValue.string))]).serialized()
        let router = Router()
        router.get("/v1/allowed-images") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        var quiet = Logger(label: "vigil.demo.service")
        quiet.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int?>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port) }, logger: quiet)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: quiet))
        let task = Task {
            defer { continuation.yield(nil) }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() ?? nil else {
            task.cancel()
            throw DemoServiceError()
        }
        return DemoService(baseURL: "http://127.0.0.1:\(port)", group: group, task: task)
    }

    /// Stops listening.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The demo service could not listen.
struct DemoServiceError: Error, CustomStringConvertible {
    var description: String { "the demo JSON service did not start on 127.0.0.1" }
}
