import JSONValue
import Testing

@testable import KubeClient

struct KubeAPIErrorTests {
    @Test func decodesConflictStatus() {
        let body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
            "message":"Operation cannot be fulfilled on policyreports.wgpolicyk8s.io \\"x\\": the object has been modified",
            "reason":"Conflict","details":{"name":"x","group":"wgpolicyk8s.io","kind":"policyreports"},"code":409}
            """
        let error = KubeAPIError(statusCode: 409, body: Array(body.utf8), verb: "PUT", url: "/apis/x")
        #expect(error.reason == .conflict)
        #expect(error.rawReason == "Conflict")
        #expect(error.code == 409)
        #expect(error.details?.name == "x")
        #expect(error.details?.group == "wgpolicyk8s.io")
        #expect(error.message.hasPrefix("Operation cannot be fulfilled"))
        #expect(error.description.hasPrefix("PUT /apis/x: 409 Conflict: Operation"))
    }

    @Test func decodesCausesAndRetryAfter() {
        let body = """
            {"kind":"Status","status":"Failure","message":"Timeout: Too large resource version: 9, current: 5",
            "reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large"}],
            "retryAfterSeconds":1},"code":504}
            """
        let error = KubeAPIError(statusCode: 504, body: Array(body.utf8))
        #expect(error.reason == .timeout)
        #expect(error.retryAfterSeconds == 1)
        #expect(error.details?.causes == [KubeAPIError.Cause(type: "ResourceVersionTooLarge", message: "Too large")])
    }

    @Test func plainTextPriorityAndFairness429() {
        let error = KubeAPIError(
            statusCode: 429,
            body: Array("Too many requests, please try again later.\n".utf8),
            retryAfter: " 3 "
        )
        #expect(error.reason == .tooManyRequests)
        #expect(error.message == "Too many requests, please try again later.")
        #expect(error.retryAfterSeconds == 3)
        #expect(error.rawReason.isEmpty)
    }

    @Test(arguments: [
        ("NotFound", 404, KubeAPIError.Reason.notFound),
        ("AlreadyExists", 409, .alreadyExists),
        ("Conflict", 409, .conflict),
        ("Expired", 410, .expired),
        ("Gone", 410, .expired),
        ("Invalid", 422, .invalid),
        ("Forbidden", 403, .forbidden),
        ("Unauthorized", 401, .unauthorized),
        ("TooManyRequests", 429, .tooManyRequests),
        ("InternalError", 500, .internalError),
        ("ServiceUnavailable", 503, .serviceUnavailable),
        ("", 410, .expired),
        ("SomethingNew", 418, .other),
        ("SomethingNew", 404, .notFound),
    ])
    func classifiesReasons(reason: String, code: Int, expected: KubeAPIError.Reason) {
        #expect(KubeAPIError.Reason(reason: reason, code: code) == expected)
    }

    @Test func emptyAndNonStatusBodies() {
        let empty = KubeAPIError(statusCode: 503, body: [])
        #expect(empty.reason == .serviceUnavailable)
        #expect(empty.message.contains("503"))
        // JSON that is not a Status is quoted, not decoded.
        let other = KubeAPIError(statusCode: 500, body: Array(#"{"error":"boom"}"#.utf8))
        #expect(other.message == #"{"error":"boom"}"#)
        #expect(KubeAPIError(status: ["kind": "Pod"]) == nil)
    }
}
