import Foundation
import JSONValue

/// `vigil-bench json <file> [repetitions]`: parses the file into a full ``JSONValue`` tree and serializes it
/// back, each `repetitions` times (default 5), and prints the best throughput of each in MB/s (10^6 bytes
/// of input per second).
///
/// Throughput is measured on the process CPU clock (and also shown on the wall clock): on a shared,
/// overloaded machine CPU time is what stays comparable between runs and with the orjson figures.
/// The last line is machine-readable: `vigil_parse_mb_s=... vigil_serialize_mb_s=... input_bytes=...`.
enum JSONBench {
    static func run(arguments: [String]) {
        guard let path = arguments.first else {
            fail("usage: vigil-bench json <file.json> [repetitions]")
        }
        let repetitions = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
        let bytes = [UInt8](data)
        let megabytes = Double(bytes.count) / 1_000_000

        var bestParse = Double.infinity
        var bestSerialize = Double.infinity
        var value = JSONValue.null
        var outputCount = 0
        for repetition in 1...repetitions {
            value = .null  // free the previous tree outside the timed region
            let parseStart = Timestamp.now()
            do {
                value = try JSONValue.parse(bytes)
            } catch {
                fail("parse failed: \(error)")
            }
            let parsed = Timestamp.now() - parseStart
            bestParse = min(bestParse, parsed.cpu)

            let serializeStart = Timestamp.now()
            let output = value.serializedBytes()
            let serialized = Timestamp.now() - serializeStart
            bestSerialize = min(bestSerialize, serialized.cpu)
            outputCount = output.count
            print(
                "repetition \(repetition): parse \(format(megabytes / parsed.cpu)) MB/s "
                    + "(wall \(format(megabytes / parsed.wall))), "
                    + "serialize \(format(megabytes / serialized.cpu)) MB/s (wall \(format(megabytes / serialized.wall)))"
            )
        }
        if outputCount != bytes.count {
            print("note: serialized size \(outputCount) differs from the input size \(bytes.count)")
        }
        let parseRate = megabytes / bestParse
        let serializeRate = megabytes / bestSerialize
        print(
            "vigil parse: \(format(parseRate)) MB/s, serialize: \(format(serializeRate)) MB/s (best of \(repetitions))")
        print(
            "vigil_parse_mb_s=\(format(parseRate)) vigil_serialize_mb_s=\(format(serializeRate)) input_bytes=\(bytes.count)"
        )
    }

    /// A reading of the process CPU clock and the monotonic wall clock, in seconds.
    struct Timestamp {
        var cpu: Double
        var wall: Double

        static func now() -> Timestamp {
            Timestamp(cpu: read(CLOCK_PROCESS_CPUTIME_ID), wall: read(CLOCK_MONOTONIC))
        }

        static func read(_ clock: clockid_t) -> Double {
            var time = timespec()
            clock_gettime(clock, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }

        static func - (lhs: Timestamp, rhs: Timestamp) -> Timestamp {
            Timestamp(cpu: lhs.cpu - rhs.cpu, wall: lhs.wall - rhs.wall)
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
