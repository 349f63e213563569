import Foundation
import JSONValue

/// The `continue` token of a paged list: the list's resourceVersion and the last key returned, encoded as
/// kube-apiserver does (`{"v":"meta.k8s.io/v1","rv":R,"start":"<key>\u0000"}` in URL-safe base64).
public struct ContinueToken: Sendable, Equatable {
    /// The snapshot the pages are served from; `-1` asks for the current state (an inconsistent continuation).
    public var resourceVersion: Int
    /// The last key of the previous page; the next page starts after it.
    public var lastKey: String

    public init(resourceVersion: Int, lastKey: String) {
        self.resourceVersion = resourceVersion
        self.lastKey = lastKey
    }

    public var encoded: String {
        let document: JSONValue = [
            "v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(lastKey + "\u{0}"),
        ]
        return Data(document.serializedBytes()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a token.
    /// - Throws: ``StatusError`` 400 `BadRequest` for a token this server did not issue.
    public init(decoding token: String) throws(StatusError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        let invalid = StatusError.badRequest("continue key is not valid: \(token)")
        guard let data = Data(base64Encoded: base64), let document = try? JSONValue.parse(Array(data)) else {
            throw invalid
        }
        guard document["v"]?.stringValue == "meta.k8s.io/v1", let rv = document["rv"]?.intValue,
            let start = document["start"]?.stringValue, start.hasSuffix("\u{0}")
        else { throw invalid }
        resourceVersion = rv
        lastKey = String(start.dropLast())
    }
}
