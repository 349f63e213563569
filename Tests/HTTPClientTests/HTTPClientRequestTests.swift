import Foundation
import HTTPClient
import Testing

/// Whole-body requests against the Python fixture server on 127.0.0.1.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientRequestTests {
    @Test func getReturnsStatusHeadersBodyAndVersion() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(url: server.baseURL + "/echo?x=1", headers: ["X-Custom": "hello", "X-Empty": ""])
                )
                #expect(response.status == 200)
                #expect(response.version == .http1_1)
                #expect(response.headers["content-type"] == "application/json")
                #expect(response.headers.values(for: "X-MULTI") == ["one", "two"])
                let echo = try Echo(response)
                #expect(echo.method == "GET")
                #expect(echo.path == "/echo?x=1")
                #expect(echo.header("x-custom") == "hello")
                #expect(echo.header("x-empty") == "")
            }
        }
    }

    @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
    func bodiesAreSentWithTheMethod(_ method: HTTPMethod) async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let body = Array("{\"kind\":\"ConfigMap\",\"data\":\"\(method)\"}".utf8)
                let response = try await client.execute(
                    HTTPRequest(
                        method: method,
                        url: server.baseURL + "/echo",
                        headers: ["Content-Type": "application/merge-patch+json"],
                        body: body
                    )
                )
                let echo = try Echo(response)
                #expect(echo.method == method.rawValue)
                #expect(Array(echo.body.utf8) == body)
                #expect(echo.header("content-type") == "application/merge-patch+json")
                #expect(echo.header("content-length") == "\(body.count)")
                #expect(echo.header("expect") == nil)
            }
        }
    }

    @Test func aBodyWithoutContentTypeGetsNoFormDefault() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.execute(
                    HTTPRequest(method: .post, url: server.baseURL + "/echo", body: [])
                )
                let echo = try Echo(response)
                #expect(echo.header("content-type") == nil)
                #expect(echo.header("content-length") == "0")
            }
        }
    }

    @Test(arguments: [404, 409, 500])
    func errorStatusesAreReturnedNotThrown(_ status: Int) async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.execute(HTTPRequest(url: server.baseURL + "/status/\(status)"))
                #expect(response.status == status)
                #expect(String(decoding: response.body, as: UTF8.self) == "status \(status)")
            }
        }
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.execute(HTTPRequest(method: .head, url: server.baseURL + "/status/200"))
                #expect(response.status == 200)
                #expect(response.headers["content-length"] == "10")
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test func redirectsAreReturnedUnlessFollowingIsAskedFor() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let unfollowed = try await client.execute(HTTPRequest(url: server.baseURL + "/redirect"))
                #expect(unfollowed.status == 302)
                #expect(unfollowed.headers["location"] == "/echo")
                let followed = try await client.execute(
                    HTTPRequest(url: server.baseURL + "/redirect", maximumRedirects: 3)
                )
                #expect(followed.status == 200)
                #expect(try Echo(followed).path == "/echo")
                #expect(followed.headers["location"] == nil)
            }
        }
    }

    @Test func gzipBodiesAreRequestedAndDecoded() async throws {
        try await withServer({ try await .python() }) { server in
            let expected = Array(String(repeating: "vigil compresses well. ", count: 2000).utf8)
            try await withClient { client in
                let echo = try Echo(try await client.execute(HTTPRequest(url: server.baseURL + "/echo")))
                #expect(echo.header("accept-encoding")?.contains("gzip") == true)
                let response = try await client.execute(HTTPRequest(url: server.baseURL + "/gzip"))
                #expect(response.headers["content-encoding"] == "gzip")
                #expect(Int(response.headers["content-length"] ?? "") ?? .max < expected.count / 10)
                #expect(response.body == expected)
            }
            var plain = HTTPClient.Configuration()
            plain.automaticDecompression = false
            try await withClient(plain) { client in
                let response = try await client.execute(HTTPRequest(url: server.baseURL + "/gzip"))
                #expect(response.headers["content-encoding"] == nil)
                #expect(response.body == expected)
            }
        }
    }

    @Test func keptAliveConnectionsAreReused() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let first = try await client.execute(HTTPRequest(url: server.baseURL + "/echo"))
                let second = try await client.execute(HTTPRequest(url: server.baseURL + "/echo"))
                #expect(first.newConnectionCount == 1)
                #expect(second.newConnectionCount == 0)
            }
        }
    }

    @Test func twoHundredConcurrentRequestsAllComplete() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let paths = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let response = try await client.execute(
                                HTTPRequest(url: server.baseURL + "/echo?i=\(index)")
                            )
                            return (index, try Echo(response).path)
                        }
                    }
                    var paths: [Int: String] = [:]
                    for try await (index, path) in group { paths[index] = path }
                    return paths
                }
                #expect(paths.count == 200)
                #expect((0..<200).allSatisfy { paths[$0] == "/echo?i=\($0)" })
            }
        }
    }

    @Test(arguments: [
        HTTPRequest(url: "ftp://127.0.0.1/file"),
        HTTPRequest(url: "http://127.0.0.1/ space"),
        HTTPRequest(url: "http://127.0.0.1/", headers: ["X-Injected": "a\r\nHost: evil"]),
        HTTPRequest(url: "http://127.0.0.1/", headers: ["Bad Name": "x"]),
        HTTPRequest(method: "GE T", url: "http://127.0.0.1/"),
    ])
    func invalidRequestsFailBeforeSending(_ request: HTTPRequest) async throws {
        try await withClient { client in
            let error = await expectHTTPError { _ = try await client.execute(request) }
            #expect(error?.code == .invalidRequest)
        }
    }
}
