import ContainerImages
import Failures
import JSONValue

/// Evaluates `context` entries in order, each one seeing the entries before it, with Kyverno's error
/// messages. External data comes from the ``ContextProvider``.
struct ContextLoader {
    let provider: any ContextProvider
    /// The namespace of a namespaced `Policy` (its ConfigMap lookups must stay in it).
    let policyNamespace: String?
    /// Names of values supplied from outside (values files, possibly dotted like `cm.data.key`); an entry
    /// whose name is one of them, or the first part of one, is not evaluated.
    var suppliedNames: Set<String> = []
    /// `foreachValues` of a values file: per name, the value for each foreach element index.
    var foreachValues: [String: [JSONValue]] = [:]

    private func isSupplied(_ name: String) -> Bool {
        suppliedNames.contains(name) || suppliedNames.contains { $0.hasPrefix(name + ".") }
            || foreachValues[name] != nil
    }

    func load(_ entries: [ContextEntry], into context: inout EvaluationContext) async throws(EvaluationError) {
        for entry in entries where !isSupplied(entry.name) {
            let value = try await evaluate(entry, context: context)
            context.set(entry.name, value)
        }
    }

    private func substitute(_ value: JSONValue, _ context: EvaluationContext) throws(EvaluationError) -> JSONValue {
        try VariableSubstitutor(context: context).substituteAll(value)
    }

    private func substituteString(
        _ text: String, _ context: EvaluationContext, _ describe: (EvaluationError) -> String
    ) throws(EvaluationError) -> String {
        let result: JSONValue
        do {
            result = try substitute(.string(text), context)
        } catch {
            throw EvaluationError(describe(error), isNotFound: error.isNotFound)
        }
        if case .string(let string) = result { return string }
        return result.serialized()
    }

    private func evaluate(_ entry: ContextEntry, context: EvaluationContext) async throws(EvaluationError) -> JSONValue
    {
        let name = entry.name
        switch entry.source {
        case .variable(let value, let jmesPath, let defaultValue):
            return try variable(name: name, value: value, jmesPath: jmesPath, defaultValue: defaultValue, context)
        case .configMap(let cmName, let cmNamespace):
            let resolvedName = try substituteString(cmName, context) {
                "failed to substitute variables in context \(name) configMap.name \(cmName): \($0.message)"
            }
            var namespace = try substituteString(cmNamespace, context) {
                "failed to substitute variables in context \(name) configMap.namespace \(cmNamespace): \($0.message)"
            }
            if namespace.isEmpty { namespace = "default" }
            if let policyNamespace, !policyNamespace.isEmpty, namespace != policyNamespace {
                throw EvaluationError(
                    "failed to retrieve config map for context entry \(name): context entry \(name): configMap namespace \"\(namespace)\" is different from policy namespace \"\(policyNamespace)\""
                )
            }
            do {
                return try await provider.configMap(namespace: namespace, name: resolvedName)
            } catch {
                throw EvaluationError(
                    "failed to retrieve config map for context entry \(name): failed to get configmap \(namespace)/\(resolvedName) : \(error)"
                )
            }
        case .apiCall(let call):
            return try await apiCall(name: name, call, context)
        case .imageRegistry(let lookup):
            return try await imageRegistry(name: name, lookup, context)
        case .globalReference(let globalName, let jmesPath):
            let data: JSONValue
            do {
                data = try await provider.globalReference(name: globalName)
            } catch {
                throw EvaluationError(
                    "failed to fetch entry key=\(globalName): \(error)",
                    failure: ExternalFailure(.globalContextEntry(globalName), error: error))
            }
            guard let jmesPath, !jmesPath.isEmpty else { return data }
            do {
                return try context.queries.apply(jmesPath, to: data)
            } catch {
                throw EvaluationError(
                    "failed to apply JMESPath \(jmesPath) for context entry \(name): \(error.message)")
            }
        }
    }

    /// Kyverno's variable loader.
    private func variable(
        name: String, value: JSONValue?, jmesPath: String?, defaultValue: JSONValue?, _ context: EvaluationContext
    ) throws(EvaluationError) -> JSONValue {
        var path = ""
        if let jmesPath, !jmesPath.isEmpty {
            path = try substituteString(jmesPath, context) {
                "failed to substitute variables in context entry \(name) \(jmesPath): \($0.message)"
            }
        }
        var resolvedDefault: JSONValue?
        if let defaultValue {
            do {
                resolvedDefault = try substitute(defaultValue, context)
            } catch {
                throw EvaluationError(
                    "failed to substitute variables in context entry \(name) \(defaultValue.serialized()): \(error.message)"
                )
            }
        }
        var output = resolvedDefault ?? .null
        if let value {
            let substituted: JSONValue
            do {
                substituted = try substitute(value, context)
            } catch {
                throw EvaluationError(
                    "failed to substitute variables in context entry \(name) \(value.serialized()): \(error.message)")
            }
            if !path.isEmpty {
                do {
                    output = try context.queries.apply(path, to: substituted)
                } catch {
                    if resolvedDefault == nil || resolvedDefault == .null {
                        throw EvaluationError(
                            "failed to apply jmespath \(path) to variable \(GoFormat.sprint(substituted)): \(error.message)"
                        )
                    }
                }
            } else {
                output = substituted
            }
        } else if !path.isEmpty {
            do {
                let found = try context.query(path)
                if !found.isNull { output = found }
            } catch {
                if resolvedDefault == nil || resolvedDefault == .null {
                    throw EvaluationError(
                        "failed to apply jmespath \(path) to variable <nil>: \(error.message)",
                        isNotFound: error.isNotFound)
                }
            }
        }
        if output.isNull {
            throw EvaluationError("failed to add context entry for variable \(name) since it evaluated to nil")
        }
        return output
    }

    private func apiCall(name: String, _ call: APICall, _ context: EvaluationContext) async throws(EvaluationError)
        -> JSONValue
    {
        var request = APICallRequest(urlPath: nil, method: call.method)
        if let urlPath = call.urlPath {
            request.urlPath = try substituteString(urlPath, context) {
                "failed to substitute variables in context entry \(name) \(urlPath): \($0.message)"
            }
        }
        if let service = call.service {
            request.serviceURL = try substituteString(service.url, context) {
                "failed to substitute variables in context entry \(name) \(service.url): \($0.message)"
            }
            request.caBundle = service.caBundle
            for (key, value) in service.headers {
                request.headers[key] = try substituteString(value, context) {
                    "failed to substitute variables in context entry \(name) \(value): \($0.message)"
                }
            }
        }
        if call.method == "POST" || !call.data.isEmpty {
            var body = JSONObject()
            for (key, value) in call.data {
                do {
                    body[key] = try substitute(value, context)
                } catch {
                    throw EvaluationError(
                        "failed to substitute variables in context entry \(name) data \(key): \(error.message)")
                }
            }
            request.body = .object(body)
        }
        var data: JSONValue
        do {
            data = try await provider.apiCall(request)
        } catch {
            guard let fallback = call.defaultValue else {
                var failure: ExternalFailure?
                if let url = request.serviceURL, request.urlPath == nil {
                    failure = ExternalFailure(.service(url), error: error)
                }
                throw EvaluationError("failed to fetch data for APICall: \(error)", failure: failure)
            }
            data = fallback
        }
        guard let jmesPath = call.jmesPath, !jmesPath.isEmpty else { return data }
        let path = try substituteString(jmesPath, context) {
            "failed to substitute variables in context entry \(name) JMESPath \(jmesPath): \($0.message)"
        }
        do {
            return try context.queries.apply(path, to: data)
        } catch {
            if let fallback = call.defaultValue { return fallback }
            throw EvaluationError("failed to apply JMESPath \(path) for context entry \(name): \(error.message)")
        }
    }

    /// The `catchError` value of a failed lookup: `failed`, `error` and `errorMessage` (the same text),
    /// `reason` (the failure class), and the reference fields parsing can fill (`registry`, `repository`,
    /// `identifier`, and `resolvedImage` when the reference has a digest).
    static func failedImageData(reference: String, message: String, errorClass: FailureClass) -> JSONObject {
        var failed: JSONObject = ["image": .string(reference), "failed": .bool(true)]
        if let parsed = try? RegistryReference(parsing: reference) {
            failed["registry"] = .string(parsed.registry)
            failed["repository"] = .string(parsed.repository)
            failed["identifier"] = .string(parsed.identifier)
            if !parsed.digest.isEmpty { failed["resolvedImage"] = .string(parsed.resolvedImage(digest: parsed.digest)) }
        }
        failed["errorMessage"] = .string(message)
        failed["error"] = .string(message)
        failed["reason"] = .string(errorClass.rawValue)
        return failed
    }

    private func imageRegistry(name: String, _ lookup: ImageRegistryLookup, _ context: EvaluationContext)
        async throws(EvaluationError) -> JSONValue
    {
        let reference = try substituteString(lookup.reference, context) {
            "failed to substitute variables in context entry \(name) \(lookup.reference): \($0.message)"
        }
        var data: JSONValue
        do {
            data = try await provider.imageData(reference: reference, credentials: lookup.credentials)
        } catch {
            let message = "failed to fetch image descriptor: \(reference), error: \(error)"
            let failure = ExternalFailure(.image(reference), error: error)
            guard lookup.catchError else { throw EvaluationError(message, failure: failure) }
            return .object(
                Self.failedImageData(reference: reference, message: message, errorClass: failure.failureClass))
        }
        if lookup.catchError, case .object(var object) = data, object["failed"] == nil {
            object["failed"] = .bool(false)
            data = .object(object)
        }
        guard let jmesPath = lookup.jmesPath, !jmesPath.isEmpty else { return data }
        let path = try substituteString(jmesPath, context) {
            "failed to substitute variables in context entry \(name) \(jmesPath): \($0.message)"
        }
        do {
            data = try context.queries.apply(path, to: data)
        } catch {
            throw EvaluationError(
                "failed to apply JMESPath (\(jmesPath)) results to context entry \(name), error: \(error.message)")
        }
        return data
    }
}

extension ContextLoader {
    /// What Kyverno does before validating a rule, or each `foreach` level of it: loads the context entries,
    /// then checks the preconditions. Returns the result that ends the rule there (`error` when an entry
    /// cannot be loaded or a condition cannot be evaluated, `skip` when the preconditions do not hold), or
    /// `nil` to go on with `context` loaded.
    func prepare(
        _ rule: Rule, entries: [ContextEntry], preconditions: ConditionBlock?, into context: inout EvaluationContext
    ) async -> RuleResult? {
        do {
            try await load(entries, into: &context)
        } catch {
            return .error(rule, "failed to load context", error)
        }
        guard let preconditions else { return nil }
        do {
            let (passed, message) = try ConditionEvaluator(context: context).evaluate(preconditions)
            return passed
                ? nil : .skip(rule, ConditionEvaluator.joinNonEmpty(["preconditions not met", message], "; "))
        } catch {
            return .error(rule, "failed to evaluate preconditions", error)
        }
    }
}
