import Foundation
public import JSONValue
public import PolicyEngine
import YAML

/// The inputs of one `Test` document of a `kyverno-test.yaml`, read as the Kyverno CLI reads them: paths are
/// relative to the test file's directory.
public struct KyvernoTestInputs: Sendable {
    /// Why a test's inputs could not be read; every expected result of the test is reported with it.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// The file that could not be read or parsed.
        public var path: String
        public var message: String
        /// The file does not exist (the test cannot be evaluated, as opposed to a broken input).
        public var isMissing = false
        public var description: String { "\(path): \(message)" }
    }

    public var policies: [CompiledPolicy] = []
    /// The ValidatingPolicies and NamespacedValidatingPolicies of the policy files.
    public var validatingPolicies: [CompiledValidatingPolicy] = []
    /// The ValidatingAdmissionPolicies of the policy files.
    public var admissionPolicies: [CompiledValidatingAdmissionPolicy] = []
    /// The ValidatingAdmissionPolicyBindings of the policy files.
    public var admissionPolicyBindings: [ValidatingAdmissionPolicyBinding] = []
    /// The CEL PolicyExceptions (`policies.kyverno.io`) of the exceptions files (and of the policy files).
    public var celExceptions: [CompiledCELPolicyException] = []
    /// Policy names with the reason they did not decode or compile.
    public var invalidPolicies: [String: String] = [:]
    /// Names of the other documents of the policy files (ValidatingPolicy and the other kinds Vigil skips).
    public var otherPolicyNames: Set<String> = []
    public var resources: [JSONValue] = []
    /// `jsonPayloads` (and the deprecated `jsonPayload`): arbitrary JSON objects for JSON-mode policies, by the
    /// path the test file gives (which is how expected results name them).
    public var jsonPayloads: [String: JSONValue] = [:]
    public var clusterObjects: [JSONValue] = []
    /// The context file's `images` (CEL `image.GetMetadata` mocks) by image as written, shaped as Kyverno's
    /// CLI marshals its `ImageData`; nil when the test has none.
    public var contextImages: [String: JSONValue]?
    /// The values document (`values` inline or the `variables` file).
    public var values: JSONValue?
    /// The `userinfo` file's `userInfo`, `roles` and `clusterRoles`, as `request.*` values.
    public var requestInfo: [String: JSONValue] = [:]
    public var apiCallResponses: [JSONValue] = []
    /// The `globalContextEntries` mocks: each entry's data as policies see it, by name.
    public var globalContextEntries: [String: JSONValue] = [:]
    /// The PolicyExceptions of the `exceptions` files.
    public var exceptions: [PolicyException] = []

    /// A context file's image entry as the Kyverno CLI hands it to CEL: its `ImageData` marshalled by Go
    /// (`image`, `resolvedImage`, `registry`, `repository` always; `tag` and `digest` when not empty;
    /// `imageIndex`, `manifest` and `config` when given).
    static func imageData(_ entry: JSONValue) -> JSONValue {
        var data: JSONObject = [:]
        for key in ["image", "resolvedImage", "registry", "repository"] {
            data[key] = .string(entry[key]?.stringValue ?? "")
        }
        for key in ["tag", "digest"] {
            if let value = entry[key]?.stringValue, !value.isEmpty { data[key] = .string(value) }
        }
        for key in ["imageIndex", "manifest", "config"] {
            if let value = entry[key], !value.isNull { data[key] = value }
        }
        return .object(data)
    }

    /// Reads the files a `Test` document names.
    /// - Throws: ``LoadError`` when a named file cannot be read or parsed.
    public init(test: JSONValue, directory: String) throws(LoadError) {
        for path in Self.paths(test["policies"]) {
            for document in try Self.load(path, directory: directory) {
                if ValidatingPolicyDecoder.isValidatingPolicyDocument(document) {
                    let name = document["metadata"]?["name"]?.stringValue ?? "?"
                    do {
                        validatingPolicies.append(
                            try CompiledValidatingPolicy(try ValidatingPolicyDecoder.decode(document)))
                    } catch {
                        invalidPolicies[name] = "\(error)"
                    }
                    continue
                }
                if CELPolicyException.isExceptionDocument(document) {
                    celExceptions.append(try Self.celException(document, path: path))
                    continue
                }
                if ValidatingAdmissionPolicyDecoder.isPolicyDocument(document) {
                    let name = document["metadata"]?["name"]?.stringValue ?? "?"
                    do {
                        admissionPolicies.append(
                            CompiledValidatingAdmissionPolicy(
                                try ValidatingAdmissionPolicyDecoder.decodePolicy(document)))
                    } catch {
                        invalidPolicies[name] = "\(error)"
                    }
                    continue
                }
                if ValidatingAdmissionPolicyDecoder.isBindingDocument(document) {
                    do {
                        admissionPolicyBindings.append(try ValidatingAdmissionPolicyDecoder.decodeBinding(document))
                    } catch {
                        throw LoadError(path: path, message: "\(error)")
                    }
                    continue
                }
                guard PolicyDecoder.isPolicyDocument(document) else {
                    if let name = document["metadata"]?["name"]?.stringValue { otherPolicyNames.insert(name) }
                    continue
                }
                let name = document["metadata"]?["name"]?.stringValue ?? "?"
                do {
                    policies.append(try CompiledPolicy(try PolicyDecoder.decode(document)))
                } catch {
                    invalidPolicies[name] = "\(error)"
                }
            }
        }
        for path in Self.paths(test["exceptions"]) {
            for (index, document) in try Self.load(path, directory: directory).enumerated() {
                if CELPolicyException.isExceptionDocument(document) {
                    celExceptions.append(try Self.celException(document, path: path))
                    continue
                }
                guard PolicyException.isExceptionDocument(document) else { continue }
                do {
                    exceptions.append(try PolicyException(decoding: document, index: index))
                } catch {
                    throw LoadError(path: path, message: "\(error)")
                }
            }
        }
        for path in Self.paths(test["resources"]) {
            resources += try Self.load(path, directory: directory).filter { !$0.isNull }
        }
        var payloadPaths = Self.paths(test["jsonPayloads"])
        if let single = test["jsonPayload"]?.stringValue { payloadPaths.append(single) }
        for path in payloadPaths {
            guard let payload = try Self.load(path, directory: directory).first(where: { !$0.isNull }),
                payload.objectValue != nil
            else {
                throw LoadError(path: path, message: "JSON payload must be a top-level object")
            }
            jsonPayloads[path] = payload
        }
        // Parameter objects of ValidatingAdmissionPolicies; a namespaced one without a namespace is in
        // `default`, as the CLI reads resources.
        for path in Self.paths(test["paramResources"]) {
            for document in try Self.load(path, directory: directory) where !document.isNull {
                clusterObjects.append(Self.defaultingNamespace(document))
            }
        }
        for path in Self.paths(test["clusterResources"]) {
            for document in try Self.load(path, directory: directory) where !document.isNull {
                // A `ClusterResource` file wraps the objects in `spec.resources`.
                if document["kind"]?.stringValue == "ClusterResource" {
                    clusterObjects += document["spec"]?["resources"]?.arrayValue ?? []
                } else {
                    clusterObjects.append(document)
                }
            }
        }
        if let path = test["context"]?.stringValue {
            for document in try Self.load(path, directory: directory) where !document.isNull {
                clusterObjects += document["spec"]?["resources"]?.arrayValue ?? []
                for image in document["spec"]?["images"]?.arrayValue ?? [] {
                    guard let name = image["image"]?.stringValue else { continue }
                    contextImages = contextImages ?? [:]
                    contextImages?[name] = Self.imageData(image)
                }
            }
        }
        values = test["values"]
        if let path = test["variables"]?.stringValue {
            values = try Self.load(path, directory: directory).first { !$0.isNull }
        }
        for namespace in values?["namespaces"]?.arrayValue ?? [] where namespace["metadata"]?["name"] != nil {
            var object = namespace.objectValue ?? [:]
            // The CLI reads these as Namespace objects whatever their `kind` says (`kind: namespace` occurs).
            object["apiVersion"] = "v1"
            object["kind"] = "Namespace"
            clusterObjects.append(.object(object))
        }
        for selector in values?["namespaceSelector"]?.arrayValue ?? [] {
            guard let name = selector["name"]?.stringValue else { continue }
            clusterObjects.append(
                .object([
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": .object(["name": .string(name), "labels": selector["labels"] ?? .object([:])]),
                ]))
        }
        if let path = test["userinfo"]?.stringValue,
            let info = try Self.load(path, directory: directory).first(where: { !$0.isNull })
        {
            for key in ["userInfo", "roles", "clusterRoles"] {
                if let value = info[key] { requestInfo["request." + key] = value }
            }
        }
        (apiCallResponses, globalContextEntries) = try Self.mocks(test, directory: directory)
    }

    /// `object` in the `default` namespace when it is of a namespaced kind and has none.
    public static func defaultingNamespace(_ object: JSONValue) -> JSONValue {
        let identity = ResourceIdentity(object)
        guard identity.namespace.isEmpty, !KyvernoTestRunner.clusterScopedKinds.contains(identity.kind) else {
            return object
        }
        var copy = object
        var metadata = copy["metadata"]?.objectValue ?? [:]
        metadata["namespace"] = "default"
        copy["metadata"] = .object(metadata)
        return copy
    }

    private static func celException(_ document: JSONValue, path: String) throws(LoadError)
        -> CompiledCELPolicyException
    {
        do {
            return try CompiledCELPolicyException(try CELPolicyException(decoding: document))
        } catch {
            throw LoadError(path: path, message: "\(error)")
        }
    }

    /// The offline mocks of a test document (or of a `vigil apply --mocks` file): `apiCallResponses` as
    /// written, and `globalContextEntries` shaped into each entry's data, by name.
    /// - Throws: ``LoadError`` naming the entry or file that could not be read.
    public static func mocks(_ document: JSONValue, directory: String) throws(LoadError) -> (
        apiCallResponses: [JSONValue], globalContextEntries: [String: JSONValue]
    ) {
        var globalContextEntries: [String: JSONValue] = [:]
        for (index, entry) in (document["globalContextEntries"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                throw LoadError(path: "globalContextEntries[\(index)]", message: "name is required")
            }
            var root: JSONValue
            if let data = entry["data"], !data.isNull {
                root = data
            } else {
                var objects = entry["resources"]?.arrayValue ?? []
                for path in Self.paths(entry["resourceFiles"]) {
                    objects += try Self.load(path, directory: directory).filter { !$0.isNull }
                }
                root = .array(objects)
            }
            globalContextEntries[name] = try Self.shape(root, entry: entry, name: name)
        }
        return (document["apiCallResponses"]?.arrayValue ?? [], globalContextEntries)
    }

    /// A mock entry's data as the CLI shapes it: `fieldPath` (JMESPath) selects the root, and `projections`
    /// (`name`, `path`), when present, replace it with an object of those named views.
    private static func shape(_ root: JSONValue, entry: JSONValue, name: String) throws(LoadError) -> JSONValue {
        let queries = QueryEngine.kyverno()
        var root = root
        if let fieldPath = entry["fieldPath"]?.stringValue, !fieldPath.isEmpty {
            do {
                root = try queries.evaluate(fieldPath, on: root)
            } catch {
                throw LoadError(path: "globalContextEntries \(name)", message: "fieldPath \(fieldPath): \(error)")
            }
        }
        let projections = entry["projections"]?.arrayValue ?? []
        guard !projections.isEmpty else { return root }
        var shaped = JSONObject()
        for projection in projections {
            guard let projectionName = projection["name"]?.stringValue,
                let path = (projection["path"] ?? projection["jmesPath"])?.stringValue
            else {
                throw LoadError(path: "globalContextEntries \(name)", message: "projections need a name and a path")
            }
            do {
                shaped[projectionName] = try queries.evaluate(path, on: root)
            } catch {
                throw LoadError(
                    path: "globalContextEntries \(name)", message: "projection \(projectionName) \(path): \(error)")
            }
        }
        return .object(shaped)
    }

    /// The values a values document gives one policy and resource: global values, resource values (added
    /// globally) and rule values. Values written as JSON strings are decoded, as the CLI does.
    public func variableValues(policy: String, resource: String) -> VariableValues {
        var result = VariableValues()
        result.global = requestInfo
        guard let document = values else { return result }
        func decode(_ value: JSONValue) -> JSONValue {
            if case .string(let text) = value, text.hasPrefix("[") || text.hasPrefix("{"),
                let parsed = try? JSONValue.parse(text)
            {
                return parsed
            }
            return value
        }
        for (key, value) in document["globalValues"]?.objectValue ?? [:] { result.global[key] = decode(value) }
        for entry in document["policies"]?.arrayValue ?? [] where entry["name"]?.stringValue == policy {
            for rule in entry["rules"]?.arrayValue ?? [] {
                guard let name = rule["name"]?.stringValue else { continue }
                var values: [String: JSONValue] = [:]
                for (key, value) in rule["values"]?.objectValue ?? [:] { values[key] = decode(value) }
                result.perRule[name] = values
                var foreachValues: [String: [JSONValue]] = [:]
                for (key, value) in rule["foreachValues"]?.objectValue ?? [:] {
                    foreachValues[key] = decode(value).arrayValue ?? [decode(value)]
                }
                if !foreachValues.isEmpty { result.perRuleForeach[name] = foreachValues }
            }
            for item in entry["resources"]?.arrayValue ?? [] where item["name"]?.stringValue == resource {
                for (key, value) in item["values"]?.objectValue ?? [:] { result.global[key] = decode(value) }
            }
        }
        return result
    }

    private static func paths(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private static func load(_ path: String, directory: String) throws(LoadError) -> [JSONValue] {
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        let text: String
        do {
            text = try String(contentsOfFile: full, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: full)
            throw LoadError(path: full, message: exists ? "cannot be read" : "no such file", isMissing: !exists)
        }
        do {
            return try YAML.load(text)
        } catch {
            throw LoadError(path: full, message: "\(error)")
        }
    }
}
