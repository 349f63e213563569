import Foundation

/// How objects are rendered: plain JSON, or a `meta.k8s.io/v1` Table (`kubectl get`).
struct ResponseFormat: Sendable {
    var table: Bool
    var includeObject: TableConverter.IncludeObject

    /// Negotiates from the `Accept` header: the first acceptable media range wins.
    /// - Throws: ``StatusError`` 406 when only unsupported representations are acceptable.
    init(accept: String, query: [String: String]) throws(StatusError) {
        table = false
        includeObject = TableConverter.IncludeObject(rawValue: query["includeObject"] ?? "") ?? .metadata
        if accept.isEmpty { return }
        var acceptable = false
        for range in accept.split(separator: ",") {
            let parameters = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let mediaType = parameters.first else { continue }
            guard mediaType == "application/json" || mediaType == "*/*" || mediaType == "application/*" else {
                continue
            }
            if parameters.contains("as=Table") {
                if parameters.contains("g=meta.k8s.io"), parameters.contains("v=v1") || parameters.contains("v=v1beta1")
                {
                    table = true
                    return
                }
                continue
            }
            if parameters.contains(where: { $0.hasPrefix("as=") }) { continue }
            acceptable = true
            break
        }
        if !acceptable {
            throw StatusError.notAcceptable(
                "only the following media types are accepted: application/json, application/yaml, "
                    + "application/vnd.kubernetes.protobuf")
        }
    }
}
