import Foundation
import JSONValue
import Logging

/// A swift-log handler that writes one JSON object per line to standard error (`--log-format json`):
/// `time`, `level`, `logger`, `msg`, then the metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: JSONObject = [
            "time": .string(Date().formatted(.iso8601)), "level": .string(event.level.rawValue),
            "logger": .string(label), "msg": .string("\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() { object[key] = .string("\(merged[key].map { "\($0)" } ?? "")") }
        FileHandle.standardError.write(Data((JSONValue.object(object).serialized() + "\n").utf8))
    }
}
