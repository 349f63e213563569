import Foundation
import HTTPClient
import Testing

/// Streamed responses: line framing, back-pressure, cancellation and broken streams.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientStreamingTests {
    @Test func chunkedNDJSONIsSplitIntoLines() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/lines?count=500"))
                #expect(response.status == 200)
                #expect(response.headers["transfer-encoding"] == "chunked")
                var numbers: [Int] = []
                for try await line in response.body.lines() {
                    let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                    numbers.append(object?["n"] as? Int ?? -1)
                }
                #expect(numbers == Array(0..<500))
            }
        }
    }

    @Test func aSlowConsumerPausesTheTransferAndTheBufferStaysBounded() async throws {
        let bound = 64 << 10
        let total = 8 << 20
        var configuration = HTTPClient.Configuration()
        configuration.streamBufferSize = bound
        try await withServer({ try await .python() }) { server in
            try await withClient(configuration) { client in
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/large?bytes=\(total)"))
                var received = 0
                var contentMatches = true
                var largestBuffer = 0
                for try await chunk in response.body {
                    for (offset, byte) in chunk.enumerated() where byte != UInt8(truncatingIfNeeded: received + offset) {
                        contentMatches = false
                    }
                    received += chunk.count
                    largestBuffer = max(largestBuffer, response.body.bufferStatistics.bufferedBytes)
                    try await Task.sleep(for: .milliseconds(1))  // the slow consumer
                }
                let statistics = response.body.bufferStatistics
                #expect(received == total)
                #expect(contentMatches)
                #expect(statistics.pauseCount > 0, "a slow consumer must pause the transfer")
                #expect(statistics.maximumBufferedBytes <= bound, "buffer grew past its bound")
                #expect(largestBuffer <= bound)
                #expect(statistics.maximumBufferedBytes > 0)
                #expect(statistics.deliveredBytes == total)
            }
        }
    }

    @Test func cancellingTheReadingTaskStopsALongStream() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/stall?bytes=5"))
                let reader = Task {
                    var iterator = response.body.makeAsyncIterator()
                    let first = try await iterator.next()
                    #expect(first == Array("aaaaa".utf8))
                    return try await iterator.next()  // the server now stays silent for two minutes
                }
                try await Task.sleep(for: .milliseconds(200))
                reader.cancel()
                let error = await expectHTTPError { _ = try await reader.value }
                #expect(error?.code == .cancelled)
                // The client still works after the cancellation.
                let after = try await client.execute(HTTPRequest(url: server.baseURL + "/status/204"))
                #expect(after.status == 204)
            }
        }
    }

    @Test func cancellingAWaitingRequestThrowsCancelled() async throws {
        try await withServer({ try await .python(mode: "silent") }) { server in
            try await withClient { client in
                let request = Task { try await client.execute(HTTPRequest(url: server.baseURL + "/")) }
                try await Task.sleep(for: .milliseconds(200))
                request.cancel()
                let error = await expectHTTPError { _ = try await request.value }
                #expect(error?.code == .cancelled)
            }
        }
    }

    @Test func aStreamClosedMidLineFailsWithATypedError() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/truncated"))
                var lines: [String] = []
                let error = await expectHTTPError {
                    for try await line in response.body.lines() { lines.append(String(decoding: line, as: UTF8.self)) }
                }
                #expect(lines == ["{\"type\":\"ADDED\"}"])
                #expect(error?.code == .protocol, "\(String(describing: error))")
            }
        }
    }

    @Test func aBodyEndingWithoutNewlineFailsAsTruncated() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/unterminated"))
                var lines: [String] = []
                let error = await expectHTTPError {
                    for try await line in response.body.lines() { lines.append(String(decoding: line, as: UTF8.self)) }
                }
                #expect(lines == ["{\"a\":1}"])
                #expect(error?.code == .truncated)
            }
        }
    }

    @Test func aTooLongLineFails() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                // The body has a newline byte every 256 bytes.
                let response = try await client.stream(HTTPRequest(url: server.baseURL + "/large?bytes=100000"))
                let error = await expectHTTPError {
                    for try await _ in response.body.lines(maximumLineLength: 100) {}
                }
                #expect(error?.code == .lineTooLong)
            }
        }
    }

    @Test func garbageInsteadOfHTTPFailsWithAProtocolError() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let whole = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: server.baseURL + "/garbage")) }
                #expect(whole?.code == .protocol, "\(String(describing: whole))")
                let streamed = await expectHTTPError { _ = try await client.stream(HTTPRequest(url: server.baseURL + "/garbage")) }
                #expect(streamed?.code == .protocol, "\(String(describing: streamed))")
            }
        }
    }

    @Test func aStalledStreamIsAbortedByTheLowSpeedLimit() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let request = HTTPRequest(
                    url: server.baseURL + "/stall?bytes=10",
                    lowSpeedLimit: LowSpeedLimit(bytesPerSecond: 100, duration: .seconds(1))
                )
                let response = try await client.stream(request)
                let error = await expectHTTPError { for try await _ in response.body {} }
                #expect(error?.code == .stalled, "\(String(describing: error))")
                #expect(error?.curlCode == 28)
            }
        }
    }

    @Test func droppingTheBodyStopsTheTransfer() async throws {
        try await withServer({ try await .python() }) { server in
            var configuration = HTTPClient.Configuration()
            configuration.maximumConnectionsPerHost = 1
            try await withClient(configuration) { client in
                do {
                    let response = try await client.stream(HTTPRequest(url: server.baseURL + "/stall?bytes=5"))
                    #expect(response.status == 200)
                }
                // With one connection per host, this only completes once the dropped stream released it.
                let next = try await client.execute(HTTPRequest(url: server.baseURL + "/status/200"))
                #expect(next.status == 200)
            }
        }
    }
}
