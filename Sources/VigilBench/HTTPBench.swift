import HTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP client throughput against the test fixture server (`Tests/HTTPClientTests/Fixtures/test_server.py`):
/// sequential keep-alive requests, concurrent requests, and streamed body throughput with back-pressure.
enum HTTPBench {
    static func run(_ arguments: [String]) async {
        guard let base = arguments.first else {
            print("usage: vigil-bench http <base-url>")
            exit(2)
        }
        do {
            let client = try HTTPClient()
            let clock = ContinuousClock()
            let sequentialCount = 1000
            let sequential = try await clock.measure {
                for _ in 0..<sequentialCount {
                    _ = try await client.execute(HTTPRequest(url: base + "/status/200"))
                }
            }
            let concurrentCount = 2000
            let concurrency = 32
            let concurrent = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<concurrency {
                        group.addTask {
                            for _ in stride(from: worker, to: concurrentCount, by: concurrency) {
                                _ = try await client.execute(HTTPRequest(url: base + "/status/200"))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let streamBytes = 256 << 20
            var received = 0
            let streamed = try await clock.measure {
                let response = try await client.stream(HTTPRequest(url: base + "/large?bytes=\(streamBytes)"))
                for try await chunk in response.body { received += chunk.count }
            }
            await client.shutdown()
            guard received == streamBytes else {
                print("stream returned \(received) bytes, expected \(streamBytes)")
                exit(1)
            }
            let sequentialRate = Double(sequentialCount) / Self.seconds(sequential)
            let concurrentRate = Double(concurrentCount) / Self.seconds(concurrent)
            let megabytesPerSecond = Double(streamBytes) / 1_048_576 / Self.seconds(streamed)
            print("sequential: \(sequentialCount) requests in \(sequential)")
            print("concurrent: \(concurrentCount) requests, \(concurrency) at a time, in \(concurrent)")
            print("stream: \(streamBytes >> 20) MiB in \(streamed)")
            print(
                "http_sequential_req_s=\(Int(sequentialRate)) http_concurrent_req_s=\(Int(concurrentRate))"
                    + " http_stream_mb_s=\(Int(megabytesPerSecond))"
            )
        } catch {
            print("benchmark failed: \(error)")
            exit(1)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
