import JSONValue

/// Decodes `context` entries.
enum ContextDecoder {
    static func entries(_ reader: FieldReader?) throws(PolicyDecodingError) -> [ContextEntry] {
        guard let reader else { return [] }
        var result: [ContextEntry] = []
        for entry in try reader.array() {
            let name = try entry.required("name").string()
            var sources: [ContextEntry.Source] = []
            if let variable = try entry.optional("variable") {
                let object = try variable.object()
                let value = object["value"].flatMap { $0.isNull ? nil : $0 }
                let jmesPath = try variable.optionalString("jmesPath")
                guard value != nil || jmesPath != nil else {
                    throw variable.error("must have a value or a jmesPath")
                }
                sources.append(.variable(value: value, jmesPath: jmesPath, defaultValue: object["default"]))
            }
            if let configMap = try entry.optional("configMap") {
                sources.append(
                    .configMap(
                        name: try configMap.required("name").string(),
                        namespace: try configMap.optionalString("namespace") ?? ""))
            }
            if let apiCall = try entry.optional("apiCall") {
                sources.append(.apiCall(try decodeAPICall(apiCall)))
            }
            if let registry = try entry.optional("imageRegistry") {
                sources.append(.imageRegistry(try decodeImageRegistry(registry)))
            }
            if let global = try entry.optional("globalReference") {
                sources.append(
                    .globalReference(
                        name: try global.required("name").string(), jmesPath: try global.optionalString("jmesPath")))
            }
            guard sources.count == 1, let source = sources.first else {
                throw entry.error(
                    "must have exactly one of variable, configMap, apiCall, imageRegistry or globalReference")
            }
            result.append(ContextEntry(name: name, source: source))
        }
        return result
    }

    static func decodeAPICall(_ reader: FieldReader) throws(PolicyDecodingError) -> APICall {
        let method = try reader.optionalString("method") ?? "GET"
        guard method == "GET" || method == "POST" else {
            throw reader.error("must be GET or POST, found \"\(method)\"", at: "method")
        }
        var data: [(key: String, value: JSONValue)] = []
        if let dataReader = try reader.optional("data") {
            for item in try dataReader.array() {
                let object = try item.object()
                data.append((try item.required("key").string(), object["value"] ?? .null))
            }
        }
        var service: APICall.Service?
        if let serviceReader = try reader.optional("service") {
            var headers: [(key: String, value: String)] = []
            if let headersReader = try serviceReader.optional("headers") {
                for header in try headersReader.array() {
                    headers.append((try header.required("key").string(), try header.required("value").string()))
                }
            }
            service = APICall.Service(
                url: try serviceReader.required("url").string(),
                caBundle: try serviceReader.optionalString("caBundle"), headers: headers)
        }
        let urlPath = try reader.optionalString("urlPath")
        guard urlPath != nil || service != nil else { throw reader.error("must have a urlPath or a service") }
        return APICall(
            urlPath: urlPath, method: method, data: data, service: service,
            jmesPath: try reader.optionalString("jmesPath"), defaultValue: try reader.object()["default"])
    }

    static func decodeImageRegistry(_ reader: FieldReader) throws(PolicyDecodingError) -> ImageRegistryLookup {
        var credentials: ImageRegistryCredentials?
        if let credentialsReader = try reader.optional("imageRegistryCredentials") {
            credentials = ImageRegistryCredentials(
                allowInsecureRegistry: try credentialsReader.optionalBool("allowInsecureRegistry") ?? false,
                providers: try credentialsReader.optionalStrings("providers"),
                secrets: try credentialsReader.optionalStrings("secrets"))
        }
        return ImageRegistryLookup(
            reference: try reader.required("reference").string(), jmesPath: try reader.optionalString("jmesPath"),
            credentials: credentials, catchError: try reader.optionalBool("catchError") ?? false)
    }
}
