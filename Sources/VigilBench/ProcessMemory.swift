import Foundation

/// This process's memory from `/proc/self/status` (Linux), in MB; 0 where `/proc` is missing.
enum ProcessMemory {
    /// `VmRSS`: resident now.
    static var residentMegabytes: Double { field("VmRSS:") }
    /// `VmHWM`: the peak resident set.
    static var peakResidentMegabytes: Double { field("VmHWM:") }

    private static func field(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            // "VmRSS:\t   12345 kB"
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let kilobytes = fields.dropFirst().first.flatMap { Double($0) } ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}
