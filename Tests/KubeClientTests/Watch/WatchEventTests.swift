import JSONValue
import Testing

@testable import KubeClient

struct WatchEventTests {
    @Test func decodesEventTypes() throws {
        let added = try WatchEvent.decode(
            line: Array(#"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}"#.utf8))
        #expect(added == .added(["metadata": ["name": "a", "resourceVersion": "5"]]))
        #expect(added.resourceVersion == "5")
        let deleted = try WatchEvent.decode(line: Array(#"{"type":"DELETED","object":{"metadata":{"name":"a"}}}"#.utf8))
        #expect(deleted == .deleted(["metadata": ["name": "a"]]))
        let bookmark = try WatchEvent.decode(
            line: Array(
                #"{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"9","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
                    .utf8))
        #expect(bookmark.resourceVersion == "9")
        #expect(bookmark.isInitialEventsEnd)
        #expect(!added.isInitialEventsEnd)
    }

    @Test func errorEventCarriesTypedStatus() throws {
        let line = """
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
            "message":"too old resource version: 123 (456)","reason":"Expired","code":410}}
            """
        let event = try WatchEvent.decode(line: Array(line.utf8))
        guard case .error(let error) = event else {
            Issue.record("expected an error event, got \(event)")
            return
        }
        #expect(error.isExpired)
        #expect(error.code == 410)
        #expect(error.message == "too old resource version: 123 (456)")
        // Gone is the older spelling of the same thing.
        let gone = try WatchEvent.decode(
            line: Array(#"{"type":"ERROR","object":{"kind":"Status","reason":"Gone","code":410}}"#.utf8))
        #expect(gone == .error(KubeAPIError(reason: .expired, rawReason: "Gone", code: 410, message: "Gone")))
    }

    @Test(arguments: [
        #"{"type":"ADDED"}"#,
        #"{"object":{}}"#,
        #"{"type":"RENAMED","object":{}}"#,
        #"{"type":"ADDED","object":"x"}"#,
        #"{"type":"ADDED","object":{}"#,
        "",
    ])
    func rejectsInvalidLines(line: String) {
        #expect(throws: WatchDecodingError.self) { _ = try WatchEvent.decode(line: Array(line.utf8)) }
    }

    @Test func trackerFollowsEveryEventIncludingBookmarks() throws {
        var tracker = ResourceVersionTracker(resourceVersion: "1")
        let changes = [
            tracker.observe(.added(["metadata": ["resourceVersion": "2"]])),
            tracker.observe(.bookmark(["metadata": ["resourceVersion": "7"]])),
            tracker.observe(.error(KubeAPIError(reason: .expired, code: 410, message: "x"))),
            tracker.observe(.modified(["metadata": [:]])),
        ]
        #expect(changes == [true, true, false, false])
        #expect(tracker.resourceVersion == "7")
    }
}
