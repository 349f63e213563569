import JSONValue

extension KubeAPIError {
    /// The longest response body kept as the message of a non-`Status` error.
    static let maximumPlainMessageLength = 1024

    /// Decodes a `Status` object (`kind: Status`), as found in error responses and watch `ERROR`
    /// events. Returns `nil` when `value` is not a `Status`.
    ///
    /// - Parameter code: the HTTP code to use when the `Status` has none.
    public init?(status value: JSONValue, code fallbackCode: Int = 0) {
        guard case .object = value, value["kind"]?.stringValue == "Status" else { return nil }
        let rawReason = value["reason"]?.stringValue ?? ""
        let code = value["code"]?.intValue ?? fallbackCode
        var details: Details?
        if let detailValue = value["details"], case .object = detailValue {
            let causes = (detailValue["causes"]?.arrayValue ?? []).map { cause in
                Cause(
                    type: cause["reason"]?.stringValue ?? cause["type"]?.stringValue,
                    message: cause["message"]?.stringValue,
                    field: cause["field"]?.stringValue
                )
            }
            details = Details(
                name: detailValue["name"]?.stringValue,
                group: detailValue["group"]?.stringValue,
                kind: detailValue["kind"]?.stringValue,
                uid: detailValue["uid"]?.stringValue,
                causes: causes,
                retryAfterSeconds: detailValue["retryAfterSeconds"]?.intValue
            )
        }
        var message = value["message"]?.stringValue ?? ""
        if message.isEmpty { message = rawReason.isEmpty ? "the server answered HTTP \(code)" : rawReason }
        self.init(
            reason: Reason(reason: rawReason, code: code),
            rawReason: rawReason,
            code: code,
            message: message,
            details: details,
            retryAfterSeconds: details?.retryAfterSeconds
        )
    }

    /// Decodes an error response: a `Status` body when there is one, otherwise the body as plain text
    /// (the API Priority and Fairness 429 says "Too many requests, please try again later.").
    ///
    /// - Parameters:
    ///   - statusCode: the HTTP status code.
    ///   - body: the response body.
    ///   - retryAfter: the `Retry-After` header value, if any (seconds; HTTP dates are ignored).
    public init(statusCode: Int, body: [UInt8], retryAfter: String? = nil, verb: String? = nil, url: String? = nil) {
        let headerDelay = retryAfter.flatMap { Int($0.trimmingWhitespace()) }.map { max(0, $0) }
        // A body that is not JSON is not an error here: APF and proxies answer in plain text.
        let parsed = Result { () throws(JSONParseError) in try JSONValue.parse(body) }
        if case .success(let value) = parsed, let status = KubeAPIError(status: value, code: statusCode) {
            self = status
            // The HTTP code is authoritative; a Status may carry 0 or a different code.
            self.code = statusCode
            if rawReason.isEmpty { reason = Reason(code: statusCode) }
        } else {
            var text = String(decoding: body.prefix(Self.maximumPlainMessageLength), as: UTF8.self)
                .trimmingWhitespace()
            if text.isEmpty { text = "the server answered HTTP \(statusCode) with no message" }
            self.init(reason: Reason(code: statusCode), code: statusCode, message: text)
        }
        if let headerDelay { retryAfterSeconds = headerDelay }
        self.verb = verb
        self.url = url
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
