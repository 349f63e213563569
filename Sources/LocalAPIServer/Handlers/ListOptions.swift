import JSONValue

/// The query parameters of a list or watch, validated as apimachinery's `ValidateListOptions` does.
struct ListOptions: Sendable {
    var resourceVersion: String?
    var resourceVersionMatch: String?
    var limit: Int?
    var continueToken: String?
    var labelSelector = LabelSelector.everything
    var fieldSelector = FieldSelector.everything
    var watch = false
    var allowWatchBookmarks = false
    var sendInitialEvents: Bool?
    var timeoutSeconds: Int?

    /// Parses and validates the query.
    /// - Throws: ``StatusError`` 400 for unparsable values, 422 `Invalid` (kind `ListOptions`) for forbidden
    ///   combinations.
    init(query: [String: String], resource: ResourceInfo, watchPath: Bool) throws(StatusError) {
        func flag(_ name: String) -> Bool? {
            guard let value = query[name] else { return nil }
            return value == "true" || value == "1" || value.isEmpty
        }
        resourceVersion = query["resourceVersion"].flatMap { $0.isEmpty ? nil : $0 }
        resourceVersionMatch = query["resourceVersionMatch"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["limit"], !text.isEmpty {
            // The query decoder's error, worded as Go's strconv.
            guard let value = Int(text) else {
                throw StatusError.badRequest("strconv.ParseInt: parsing \"\(text)\": invalid syntax")
            }
            limit = value > 0 ? value : nil
        }
        continueToken = query["continue"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["labelSelector"] { labelSelector = try LabelSelector(parsing: text) }
        if let text = query["fieldSelector"] { fieldSelector = try FieldSelector(parsing: text, for: resource) }
        watch = watchPath || (flag("watch") ?? false)
        allowWatchBookmarks = flag("allowWatchBookmarks") ?? false
        sendInitialEvents = query["sendInitialEvents"].map { $0 == "true" || $0 == "1" }
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else {
                throw StatusError.badRequest("invalid timeoutSeconds \"\(text)\"")
            }
            timeoutSeconds = value
        }
        if let resourceVersion, UInt64(resourceVersion) == nil {
            let problem =
                "resourceVersion: Invalid value: \"\(resourceVersion)\": strconv.ParseUint: parsing "
                + "\"\(resourceVersion)\": invalid syntax"
            // kube-apiserver checks a list's version up front (400) and a watch's only in its storage layer,
            // whose error becomes a 500 without a reason.
            if watch { throw StatusError(code: 500, reason: "", message: problem) }
            throw StatusError.badRequest("invalid resource version: \(problem)")
        }
        try validate(sendInitialEventsSupported: true)
    }

    private func validate(sendInitialEventsSupported: Bool) throws(StatusError) {
        var causes: [StatusError.Cause] = []
        func forbid(_ field: String, _ message: String) {
            causes.append(.init(type: "FieldValueForbidden", message: "Forbidden: \(message)", field: field))
        }
        if let match = resourceVersionMatch {
            if match != "Exact" && match != "NotOlderThan" {
                causes.append(
                    .init(
                        type: "FieldValueNotSupported",
                        message: "Unsupported value: \"\(match)\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
                        field: "resourceVersionMatch"))
            }
            if watch {
                if sendInitialEvents == nil {
                    forbid(
                        "resourceVersionMatch",
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
                } else if match != "NotOlderThan" {
                    causes.append(
                        .init(
                            type: "FieldValueNotSupported",
                            message: "Unsupported value: \"\(match)\": supported values: \"NotOlderThan\"",
                            field: "resourceVersionMatch"))
                }
            } else if resourceVersion == nil {
                forbid("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")
            }
            if continueToken != nil {
                forbid("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
            }
            if match == "Exact", resourceVersion == "0" {
                forbid("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")
            }
        }
        if sendInitialEvents != nil {
            if !watch {
                forbid("sendInitialEvents", "sendInitialEvents is forbidden for list")
            } else {
                if resourceVersionMatch == nil {
                    forbid(
                        "resourceVersionMatch",
                        "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
                }
                if sendInitialEvents == true, !allowWatchBookmarks {
                    forbid("allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true")
                }
            }
        }
        if !causes.isEmpty {
            throw StatusError.invalidOptions("ListOptions", causes)
        }
        if continueToken != nil, let resourceVersion, resourceVersion != "0" {
            throw StatusError.badRequest("specifying resource version is not allowed when using continue")
        }
    }

    /// Which state a list reads.
    func listSource(currentRevision: Int) throws(StatusError) -> Store.ListSource {
        if let continueToken { return .continuing(try ContinueToken(decoding: continueToken)) }
        guard let text = resourceVersion, text != "0", let requested = Int(text) else { return .current }
        let exact = resourceVersionMatch == "Exact" || (resourceVersionMatch == nil && limit != nil)
        if exact { return .exact(requested) }
        if requested > currentRevision {
            throw StatusError.tooLargeResourceVersion(requested, current: currentRevision)
        }
        return .current
    }

    /// Where a watch starts.
    var watchStart: Store.WatchStart {
        if sendInitialEvents == true { return .currentState }
        guard let text = resourceVersion, text != "0", let revision = Int(text) else { return .currentState }
        return .after(revision)
    }
}
