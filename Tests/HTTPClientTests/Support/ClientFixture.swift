import Foundation
import HTTPClient

/// Runs `body` with a fresh client and always shuts it down afterwards.
func withClient<T>(
    _ configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
    _ body: (HTTPClient) async throws -> T
) async throws -> T {
    let client = try HTTPClient(configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// Runs `operation` and returns the ``HTTPClientError`` it throws (failing the test when it throws nothing or
/// something else).
func expectHTTPError(_ operation: () async throws -> Void) async -> HTTPClientError? {
    do {
        try await operation()
        return nil
    } catch let error as HTTPClientError {
        return error
    } catch {
        return nil
    }
}

/// Decodes the `/echo` endpoint's JSON.
struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [[String]]
    var body: String

    init(_ response: HTTPResponse) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    func header(_ name: String) -> String? {
        self.headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }
}
