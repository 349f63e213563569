import Foundation
import Hummingbird
import JSONValue

extension APIHandler {
    /// Decodes a body that must hold exactly one object.
    static func singleObject(_ body: [UInt8], contentType: String?) throws(StatusError) -> JSONValue {
        let documents = try ManifestDecoder.decode(body, contentType: contentType)
        guard documents.count == 1, let document = documents.first, document.objectValue != nil else {
            throw StatusError.badRequest("the request body must contain exactly one object")
        }
        if let metadata = document["metadata"], metadata.objectValue == nil {
            throw StatusError.badRequest(
                "json: cannot unmarshal \(metadata.typeName) into Go struct field .metadata of type v1.ObjectMeta")
        }
        return document
    }

    /// Checks and completes the identity of a written object: apiVersion, kind, namespace, name.
    static func checkedIdentity(
        _ document: JSONValue, for request: RequestInfo, requireName: Bool
    ) throws(StatusError) -> JSONValue {
        let info = request.resource
        var document = document
        if let kind = document["kind"]?.stringValue, !kind.isEmpty, kind != info.kind {
            throw StatusError.badRequest(
                "the kind of the provided object (\(kind)) does not match the resource's kind (\(info.kind))")
        }
        if let apiVersion = document["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != info.apiVersion {
            throw StatusError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(info.apiVersion))"
            )
        }
        var object = document.objectValue ?? [:]
        var metadata = object["metadata"]?.objectValue ?? [:]
        if info.namespaced {
            guard !request.namespace.isEmpty else {
                throw StatusError.badRequest("the namespace of the object must be given in the request path")
            }
            if let namespace = metadata["namespace"]?.stringValue, !namespace.isEmpty, namespace != request.namespace {
                throw StatusError.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(request.namespace)
        }
        if let labels = metadata["labels"], labels.objectValue?.values.allSatisfy({ $0.stringValue != nil }) != true {
            throw StatusError.badRequest("json: cannot unmarshal metadata.labels: label values must be strings")
        }
        var name = metadata["name"]?.stringValue ?? ""
        var causes: [StatusError.Cause] = []
        if name.isEmpty, let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty, !requireName {
            name = prefix + randomSuffix()
            metadata["name"] = .string(name)
            // The prefix is validated as a name whose trailing dash is masked (apimachinery's prefix rule).
            let masked = prefix.hasSuffix("-") ? prefix.dropLast() + "a" : prefix
            causes += NameValidation.problems(masked, rule: info.nameRule).map {
                .init(
                    type: "FieldValueInvalid", message: "Invalid value: \"\(prefix)\": \($0)",
                    field: "metadata.generateName")
            }
        }
        if name.isEmpty {
            throw StatusError.invalid(
                kind: info.kind, group: info.group, name: "",
                causes: [
                    .init(
                        type: "FieldValueRequired", message: "Required value: name or generateName is required",
                        field: "metadata.name")
                ])
        }
        causes += NameValidation.problems(name, rule: info.nameRule).map {
            .init(type: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \($0)", field: "metadata.name")
        }
        // Label values; a Namespace also gets `kubernetes.io/metadata.name: <name>` (see the store).
        var labelValues = (metadata["labels"]?.objectValue ?? [:]).compactMap { $0.value.stringValue }
        if info.group.isEmpty, info.plural == "namespaces" { labelValues.append(name) }
        for value in labelValues {
            causes += NameValidation.labelValueProblems(value).map {
                .init(
                    type: "FieldValueInvalid", message: "Invalid value: \"\(value)\": \($0)", field: "metadata.labels")
            }
        }
        if !causes.isEmpty {
            throw StatusError.invalid(kind: info.kind, group: info.group, name: name, causes: causes)
        }
        object["metadata"] = .object(metadata)
        object["apiVersion"] = .string(info.apiVersion)
        object["kind"] = .string(info.kind)
        // apiVersion and kind first, as Kubernetes writes objects.
        var ordered: JSONObject = ["apiVersion": .string(info.apiVersion), "kind": .string(info.kind)]
        for (key, value) in object where ordered[key] == nil { ordered[key] = value }
        document = .object(ordered)
        return document
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    static func isDryRun(_ query: [String: String]) -> Bool { query["dryRun"] == "All" }

    func create(_ request: RequestInfo, body: [UInt8], contentType: String?, query: [String: String])
        throws(StatusError) -> Response
    {
        guard request.subresource == nil else {
            throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
        let document = try Self.checkedIdentity(
            try Self.singleObject(body, contentType: contentType), for: request, requireName: false)
        let object = try store.create(request.resource, object: document, dryRun: Self.isDryRun(query))
        return Self.bytes(.created, Self.servedBytes(object, request.resource))
    }

    func replace(_ request: RequestInfo, body: [UInt8], contentType: String?, query: [String: String])
        throws(StatusError) -> Response
    {
        let info = request.resource
        let document = try Self.singleObject(body, contentType: contentType)
        if let name = document[path: "metadata", "name"]?.stringValue, !name.isEmpty, name != request.name {
            throw StatusError.badRequest(
                "the name of the object (\(name)) does not match the name on the URL (\(request.name))")
        }
        var named = document
        if named[path: "metadata", "name"] == nil {
            var metadata = named["metadata"]?.objectValue ?? [:]
            metadata["name"] = .string(request.name)
            named["metadata"] = .object(metadata)
        }
        let checked = try Self.checkedIdentity(named, for: request, requireName: true)
        let hasResourceVersion = !(checked[path: "metadata", "resourceVersion"]?.stringValue ?? "").isEmpty
        let result = try store.update(
            info, namespace: request.namespace, name: request.name, subresource: request.subresource,
            dryRun: Self.isDryRun(query)
        ) { current throws(StatusError) -> JSONValue in
            if info.isCustom, current != nil, !hasResourceVersion {
                // The custom resource handler names the resource (plural), not the kind.
                throw StatusError.invalid(
                    kind: info.plural, group: info.group, name: request.name,
                    causes: [
                        .init(
                            type: "FieldValueInvalid", message: "Invalid value: 0: must be specified for an update",
                            field: "metadata.resourceVersion")
                    ])
            }
            return checked
        }
        return Self.bytes(.ok, Self.servedBytes(result.object, info))
    }

    func patch(_ request: RequestInfo, body: [UInt8], contentType: String?, query: [String: String])
        throws(StatusError) -> Response
    {
        let info = request.resource
        let mediaType = contentType.map(ManifestDecoder.mediaTypeOf) ?? ""
        let isApply = mediaType == "application/apply-patch+yaml"
        // Built-in kinds: the route refuses other types before the handler (go-restful's bare 415); custom
        // resources: the handler names the types it accepts (no strategic merge patch).
        switch mediaType {
        case "application/merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml": break
        case "application/strategic-merge-patch+json" where !info.isCustom: break
        default:
            guard info.isCustom else { throw StatusError.unsupportedPatchType }
            throw StatusError.unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
        if query["force"] != nil, !isApply {
            throw StatusError.invalidOptions(
                "PatchOptions",
                [
                    .init(
                        type: "FieldValueForbidden", message: "Forbidden: may not be specified for non-apply patch",
                        field: "force")
                ])
        }
        if isApply, (query["fieldManager"] ?? "").isEmpty {
            throw StatusError.invalidOptions(
                "PatchOptions",
                [
                    .init(
                        type: "FieldValueRequired", message: "Required value: is required for apply patch",
                        field: "fieldManager")
                ])
        }
        let documents = try ManifestDecoder.decode(body, contentType: contentType)
        guard documents.count == 1, let patch = documents.first else {
            throw StatusError.badRequest("the patch must be one JSON document")
        }
        if isApply {
            // Server-side apply needs the full type of the object, as kube-apiserver's field manager does.
            let apiVersion = patch["apiVersion"]?.stringValue ?? ""
            let kind = patch["kind"]?.stringValue ?? ""
            guard apiVersion == info.apiVersion, kind == info.kind else {
                throw StatusError.badRequest(
                    "incorrect version specified in apply patch. Specified patch version: \(apiVersion), "
                        + "kind: \(kind), expected: \(info.apiVersion), kind: \(info.kind)")
            }
            if let name = patch[path: "metadata", "name"]?.stringValue, name != request.name {
                throw StatusError.badRequest(
                    "the name of the object (\(name)) does not match the name on the URL (\(request.name))")
            }
        }
        let result = try store.update(
            info, namespace: request.namespace, name: request.name, subresource: request.subresource,
            createIfMissing: isApply, dryRun: Self.isDryRun(query)
        ) { current throws(StatusError) -> JSONValue in
            // Only server-side apply creates.
            if current == nil, !isApply { throw StatusError.notFound(info.groupResource, request.name) }
            var patched: JSONValue
            switch mediaType {
            case "application/json-patch+json":
                guard let current else { throw StatusError.notFound(info.groupResource, request.name) }
                patched = try JSONPatch.apply(patch, to: current)
            case "application/strategic-merge-patch+json":
                patched = try StrategicMergePatch.apply(patch, to: current)
            case "application/apply-patch+yaml":
                patched =
                    info.isCustom
                    ? MergePatch.apply(patch, to: current) : try StrategicMergePatch.apply(patch, to: current)
            default:
                patched = MergePatch.apply(patch, to: current)
            }
            guard patched.objectValue != nil else {
                throw StatusError.badRequest("the patch did not result in an object")
            }
            if let kind = patched["kind"]?.stringValue, kind != info.kind {
                throw StatusError.badRequest(
                    "the patch changes the kind of \(info.kind) \"\(request.name)\" to \"\(kind)\"; kind cannot be changed"
                )
            }
            if current == nil {
                return try Self.checkedIdentity(patched, for: request, requireName: true)
            }
            return patched
        }
        return Self.bytes(result.created ? .created : .ok, Self.servedBytes(result.object, info))
    }

    /// The propagation policy of a delete from its body (`DeleteOptions`) or query.
    static func deleteOptions(_ body: [UInt8], query: [String: String]) throws(StatusError) -> (
        uid: String?, resourceVersion: String?, propagation: Store.PropagationPolicy, dryRun: Bool
    ) {
        var options: JSONValue = [:]
        if !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            options = try singleObject(body, contentType: "application/json")
        }
        var propagation = Store.PropagationPolicy.background
        if options["orphanDependents"]?.boolValue == true || query["orphanDependents"] == "true" {
            propagation = .orphan
        }
        if let text = options["propagationPolicy"]?.stringValue ?? query["propagationPolicy"] {
            guard let policy = Store.PropagationPolicy(rawValue: text) else {
                throw StatusError.invalidOptions(
                    "DeleteOptions",
                    [
                        .init(
                            type: "FieldValueNotSupported",
                            message:
                                "Unsupported value: \"\(text)\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                            field: "propagationPolicy")
                    ])
            }
            propagation = policy
        }
        let dryRun = options["dryRun"]?.arrayValue?.contains("All") == true || isDryRun(query)
        return (
            options[path: "preconditions", "uid"]?.stringValue,
            options[path: "preconditions", "resourceVersion"]?.stringValue,
            propagation, dryRun
        )
    }

    func delete(_ request: RequestInfo, body: [UInt8], query: [String: String]) throws(StatusError) -> Response {
        guard request.subresource == nil else {
            throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
        let options = try Self.deleteOptions(body, query: query)
        let object = try store.delete(
            request.resource, namespace: request.namespace, name: request.name, preconditionUID: options.uid,
            preconditionResourceVersion: options.resourceVersion, propagation: options.propagation,
            dryRun: options.dryRun)
        if let last = Self.deletedObject(object, request.resource, propagation: options.propagation) {
            return Self.json(.ok, last)
        }
        var details: JSONObject = ["name": .string(object.name)]
        if !request.resource.group.isEmpty { details["group"] = .string(request.resource.group) }
        details["kind"] = .string(request.resource.plural)
        details["uid"] = .string(object.uid)
        let status: JSONValue = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": .object(details),
        ]
        return Self.json(.ok, status)
    }

    /// What kube-apiserver answers a DELETE with when the object is not gone at once: the object marked for
    /// deletion. A Pod (graceful deletion, grace 0 as for an unscheduled Pod), a Namespace (`Terminating`), a
    /// CustomResourceDefinition (its cleanup finalizer and `Terminating` condition), and any object deleted
    /// with `propagationPolicy=Foreground` (the `foregroundDeletion` finalizer). The local server removes
    /// them at once (it has no kubelet and no controllers), so this is also their last state. `nil` when
    /// kube-apiserver answers with a `Status`.
    static func deletedObject(_ object: StoredObject, _ info: ResourceInfo, propagation: Store.PropagationPolicy)
        -> JSONValue?
    {
        let pod = !info.isCustom && info.group.isEmpty && info.plural == "pods"
        let namespace = !info.isCustom && info.group.isEmpty && info.plural == "namespaces"
        let crd = info.groupResource == Store.crdResource
        guard pod || namespace || crd || propagation == .foreground else { return nil }
        var document = servedDocument(object, info)
        var metadata = document["metadata"]?.objectValue ?? [:]
        metadata["deletionTimestamp"] = .string(Store.timestamp())
        var finalizers = metadata["finalizers"]?.arrayValue ?? []
        if pod || propagation == .foreground { metadata["deletionGracePeriodSeconds"] = 0 }
        if pod { metadata["generation"] = .int((metadata["generation"]?.intValue ?? 1) + 1) }
        if namespace { document["status"]?["phase"] = "Terminating" }
        if crd {
            finalizers.append("customresourcecleanup.apiextensions.k8s.io")
            var conditions = document[path: "status", "conditions"]?.arrayValue ?? []
            conditions.append([
                "type": "Terminating", "status": "True", "lastTransitionTime": .string(Store.timestamp()),
                "reason": "InstanceDeletionPending",
                "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
            ])
            document["status"]?["conditions"] = .array(conditions)
        }
        if propagation == .foreground, !namespace { finalizers.append("foregroundDeletion") }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers) }
        document["metadata"] = .object(Store.orderedMetadata(metadata))
        return document
    }

    func deleteCollection(_ request: RequestInfo, options: ListOptions, body: [UInt8], query: [String: String])
        throws(StatusError) -> Response
    {
        let info = request.resource
        let deleteOptions = try Self.deleteOptions(body, query: query)
        let filter = ObjectFilter(
            namespace: request.namespace.isEmpty ? nil : request.namespace, labels: options.labelSelector,
            fields: options.fieldSelector)
        let deleted = store.deleteCollection(
            info, filter: filter, propagation: deleteOptions.propagation, dryRun: deleteOptions.dryRun)
        let list: JSONValue = [
            "kind": .string(info.listKind), "apiVersion": .string(info.apiVersion),
            "metadata": ["resourceVersion": .string(String(store.currentRevision))],
            "items": .array(deleted.map { Self.listItemDocument($0, info) }),
        ]
        return Self.json(.ok, list)
    }
}
