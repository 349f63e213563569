import Foundation
import HTTPClient

#if canImport(Glibc)
import Glibc
#endif

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

/// A loopback port nothing listens on: bound to learn a free number, then closed.
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestProcess.Failure(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard bound else { throw TestProcess.Failure(description: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
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
