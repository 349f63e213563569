import KubeClient
import Logging
import Synchronization
import Testing

@testable import Controller

/// `InformerAccess` logs each change of a kind's refused verbs once: a warning naming the kind and the verbs
/// when access is refused or the refusal changes, a notice when it is granted, nothing for a repetition.
struct InformerAccessLogTests {
    /// A swift-log handler that keeps what is logged.
    struct CapturingHandler: LogHandler {
        final class Records: Sendable {
            private let lines = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
            func append(_ line: (Logger.Level, String, Logger.Metadata)) { lines.withLock { $0.append(line) } }
            var all: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] {
                lines.withLock { $0.map { (level: $0.0, message: $0.1, metadata: $0.2) } }
            }
        }

        let records: Records
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            records.append((event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }

    static let replicationControllers = GroupVersionResource(
        group: "", version: "v1", resource: "replicationcontrollers")

    @Test func eachChangeIsLoggedOnceWithKindAndVerbs() {
        let records = CapturingHandler.Records()
        let access = InformerAccess(logger: Logger(label: "test") { _ in CapturingHandler(records: records) })
        let rc = Self.replicationControllers
        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: ["list"])
        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: ["list"])
        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: ["list"])
        #expect(records.all.count == 1)
        #expect(records.all.first?.level == .warning)
        #expect(records.all.first?.metadata["kind"] == "ReplicationController")
        #expect(records.all.first?.metadata["verb"] == "list")
        #expect(access.forbiddenResources == [rc: ["list"]])

        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: ["watch", "list"])
        #expect(records.all.count == 2)
        #expect(records.all.last?.metadata["verb"] == "list,watch")

        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: [])
        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: [])
        #expect(records.all.count == 3)
        #expect(records.all.last?.level == .notice)
        #expect(records.all.last?.message.hasPrefix("access granted") == true)
        #expect(access.forbiddenResources.isEmpty)

        // A kind whose informer stops is forgotten without a log line; a permitted kind never logs.
        access.update(kind: "ReplicationController", resource: rc, forbiddenVerbs: ["list"])
        access.remove(rc)
        access.update(
            kind: "Pod", resource: GroupVersionResource(group: "", version: "v1", resource: "pods"), forbiddenVerbs: [])
        #expect(records.all.count == 4)
        #expect(access.forbiddenResources.isEmpty)
    }
}
