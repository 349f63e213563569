import Foundation
import Testing

@testable import Observability

@Suite("ProcessMetrics")
struct ProcessMetricsTests {
    func value(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("\(name) ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func statFieldsSkipACommandNameWithSpacesAndParentheses() throws {
        let line =
            "4242 (vigil (worker) 1) S 1 4242 4242 0 -1 4194560 900 0 0 0 12 7 0 0 20 0 9 0 4567 123456789 2048 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        let fields = try #require(ProcessMetrics.statFields(line))
        #expect(fields[0] == "S")  // field 3, state
        #expect(fields[14 - 3] == "12")  // utime
        #expect(fields[15 - 3] == "7")  // stime
        #expect(fields[22 - 3] == "4567")  // starttime
        #expect(fields[24 - 3] == "2048")  // rss in pages
        #expect(ProcessMetrics.statFields("4242 (truncated) S 1 2 3") == nil)
        #expect(ProcessMetrics.statFields("no parenthesis") == nil)
    }

    #if os(Linux)
        @Test func reportsThisProcessFromProc() throws {
            let factory = VigilMetricsFactory()
            ProcessMetrics.register(in: factory)
            // Burn a little CPU so the counter moves between two scrapes.
            let first = String(decoding: factory.exposition(), as: UTF8.self)
            var sum = 0
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .milliseconds(300) { sum &+= Int.random(in: 0..<10) }
            let second = String(decoding: factory.exposition(), as: UTF8.self)
            #expect(sum >= 0)
            let rss = try #require(value(second, "process_resident_memory_bytes"))
            #expect(rss > 1_000_000)
            #expect(try #require(value(second, "process_virtual_memory_bytes")) >= rss)
            let started = try #require(value(second, "process_start_time_seconds"))
            let now = Date().timeIntervalSince1970
            #expect(started <= now + 1 && started > now - 86_400)
            #expect(try #require(value(second, "process_open_fds")) >= 3)
            #expect(try #require(value(second, "process_max_fds")) >= 64)
            let cpuBefore = value(first, "process_cpu_seconds_total") ?? 0
            let cpuAfter = try #require(value(second, "process_cpu_seconds_total"))
            #expect(cpuAfter > cpuBefore)
            #expect(second.contains("# TYPE process_cpu_seconds_total counter"))
        }
    #endif
}
