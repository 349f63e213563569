import Foundation
import JSONValue
public import PolicyEngine
import YAML

/// Runs Kyverno CLI test files (`kyverno-test.yaml`) through Vigil's engine and compares every expected
/// result, as `kyverno test` does. Written by hand because the CLI's test runner is part of Kyverno's Go code.
///
/// Validate rules of `Policy` and `ClusterPolicy`, ValidatingPolicies and ValidatingAdmissionPolicies (with
/// their bindings and `paramResources`) are compared; expected results that need a feature
/// the engine does not evaluate (mutate, generate, verifyImages, `validate.cel`, `validate.manifests`,
/// the newer policy kinds, global context entries) are reported as skipped with the feature named, and those of a
/// test whose input files are missing as skipped with `input missing: <path>`.
public struct KyvernoTestRunner: Sendable {
    public let evaluator: PolicyEvaluator
    /// Answers `imageRegistry` context entries the values file does not supply (live registries with
    /// `vigil test --registry`); `nil` makes them fail as unavailable, as the Kyverno CLI does without
    /// `--registry`.
    public let imageLookup: ClusterResourcesProvider.ImageLookup?

    /// - Parameters:
    ///   - evaluator: the engine; defaults to one with Kyverno's JMESPath functions.
    ///   - imageLookup: see ``imageLookup``.
    public init(
        evaluator: PolicyEvaluator = PolicyEvaluator(queries: .kyverno()),
        imageLookup: ClusterResourcesProvider.ImageLookup? = nil
    ) {
        self.evaluator = evaluator
        self.imageLookup = imageLookup
    }

    /// The test files named `kyverno-test.yaml` under `paths` (files are taken as given), sorted.
    /// - Throws: ``KyvernoTestInputs/LoadError`` when a path does not exist.
    public static func testFiles(under paths: [String]) throws(KyvernoTestInputs.LoadError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw KyvernoTestInputs.LoadError(path: path, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let entries = FileManager.default.enumerator(atPath: path)?.allObjects.compactMap { $0 as? String } ?? []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            files += entries.filter { $0 == "kyverno-test.yaml" || $0.hasSuffix("/kyverno-test.yaml") }
                .sorted().map { base + "/" + $0 }
        }
        return files
    }

    /// One record per expected result and resource of every `Test` document in `file` (documents with
    /// `kind: Test`, and legacy documents without `apiVersion` that have `results`).
    public func run(testFile file: String) async -> [KyvernoTestRecord] {
        let documents: [JSONValue]
        do {
            documents = try YAML.load(try String(contentsOfFile: file, encoding: .utf8))
        } catch {
            return [
                KyvernoTestRecord(
                    file: file, policy: "", rule: "", resource: "", expected: "", actual: "", status: .fail,
                    reason: "test file unreadable: \(error)")
            ]
        }
        let directory = (file as NSString).deletingLastPathComponent
        var records: [KyvernoTestRecord] = []
        for test in documents {
            let isTest = test["kind"]?.stringValue == "Test" || (test["kind"] == nil && test["results"] != nil)
            guard isTest else { continue }
            records += await run(test: test, directory: directory, file: file)
        }
        return records
    }

    private func run(test: JSONValue, directory: String, file: String) async -> [KyvernoTestRecord] {
        let entries = test["results"]?.arrayValue ?? []
        func all(_ status: KyvernoTestRecord.Status, _ reason: String) -> [KyvernoTestRecord] {
            entries.flatMap { entry in
                Self.resourceNames(entry).map {
                    Self.record(file, entry, resource: $0, actual: "", status: status, reason: reason)
                }
            }
        }
        let inputs: KyvernoTestInputs
        do {
            inputs = try KyvernoTestInputs(test: test, directory: directory)
        } catch  where error.isMissing {
            return all(.skip, "input missing: \(error.path)")
        } catch {
            return all(.fail, "\(error)")
        }
        if inputs.values?["subresources"] != nil { return all(.skip, "unsupported: subresources") }
        let provider = ClusterResourcesProvider(
            objects: inputs.clusterObjects, apiCallResponses: inputs.apiCallResponses, imageLookup: imageLookup,
            globalContextEntries: inputs.globalContextEntries, contextImages: inputs.contextImages)
        var records: [KyvernoTestRecord] = []
        for entry in entries {
            records += await run(entry: entry, inputs: inputs, provider: provider, file: file)
        }
        return records
    }

    private static let newPolicyKinds = [
        "isMutatingPolicy": "MutatingPolicy",
        "isMUtatingPolicy": "MutatingPolicy", "isGeneratingPolicy": "GeneratingPolicy",
        "isDeletingPolicy": "DeletingPolicy", "isImageValidatingPolicy": "ImageValidatingPolicy",
        "isMutatingAdmissionPolicy": "MutatingAdmissionPolicy",
    ]

    private func run(
        entry: JSONValue, inputs: KyvernoTestInputs, provider: ClusterResourcesProvider, file: String
    ) async -> [KyvernoTestRecord] {
        let names = Self.resourceNames(entry)
        func all(_ status: KyvernoTestRecord.Status, _ reason: String) -> [KyvernoTestRecord] {
            names.map { Self.record(file, entry, resource: $0, actual: "", status: status, reason: reason) }
        }
        let policyName = entry["policy"]?.stringValue ?? ""
        let shortName = String(policyName.split(separator: "/").last ?? "")
        /// One record per resource from `compare`, counted as CEL results.
        func celRecords(_ compare: (String) async -> KyvernoTestRecord) async -> [KyvernoTestRecord] {
            var records: [KyvernoTestRecord] = []
            for name in names {
                var record = await compare(name)
                record.usesCEL = true
                records.append(record)
            }
            return records
        }
        if let admission = inputs.admissionPolicies.first(where: { $0.policy.name == shortName }),
            entry["isValidatingAdmissionPolicy"]?.boolValue == true
                || !inputs.validatingPolicies.contains(where: { $0.policy.name == shortName })
        {
            return await celRecords { name in
                await compare(
                    entry: entry, admission: admission, resourceName: name, inputs: inputs, provider: provider,
                    file: file)
            }
        }
        if let validating = inputs.validatingPolicies.first(where: { $0.policy.name == shortName }) {
            return await celRecords { name in
                await compare(
                    entry: entry, validating: validating, resourceName: name, inputs: inputs, provider: provider,
                    file: file)
            }
        }
        for (flag, kind) in Self.newPolicyKinds.sorted(by: { $0.key < $1.key }) where entry[flag]?.boolValue == true {
            return all(.skip, "unsupported: \(kind)")
        }
        if entry["patchedResources"] != nil { return all(.skip, "unsupported: mutate") }
        if entry["generatedResource"] != nil || entry["generatedResources"] != nil
            || entry["cloneSourceResource"] != nil
        {
            return all(.skip, "unsupported: generate")
        }
        let ruleName = entry["rule"]?.stringValue ?? ""
        guard let compiled = inputs.policies.first(where: { $0.policy.name == shortName }) else {
            if let reason = inputs.invalidPolicies[shortName] { return all(.fail, "invalid policy: \(reason)") }
            if inputs.otherPolicyNames.contains(shortName) {
                return all(.skip, "unsupported: policy \(policyName) is not a Kyverno Policy or ClusterPolicy")
            }
            return all(.fail, "policy \(policyName) not found")
        }
        guard let rule = compiled.rules.first(where: { $0.name == ruleName }) else {
            return all(.fail, "rule \(ruleName) not found in policy \(policyName)")
        }
        if let skipped = Self.unsupportedFeature(rule, compiled) { return all(.skip, "unsupported: \(skipped)") }
        var records: [KyvernoTestRecord] = []
        for name in names {
            var record = await compare(
                entry: entry, compiled: compiled, ruleName: ruleName, resourceName: name, inputs: inputs,
                provider: provider, file: file)
            record.usesCEL = rule.validation?.cel != nil
            records.append(record)
        }
        return records
    }

    /// The feature of `rule` the engine does not evaluate, if any.
    private static func unsupportedFeature(_ rule: Rule, _ compiled: CompiledPolicy) -> String? {
        switch rule.type {
        case .mutate: return "mutate"
        case .generate: return "generate"
        case .verifyImages: return "verifyImages"
        case .validate: break
        }
        if let feature = rule.validation?.unsupported { return feature }
        return compiled.unsupported.first { $0.rule == rule.name }?.feature
    }

    /// The resource an expected result names (by name, namespace when given, and kind when given).
    private static func findResource(_ entry: JSONValue, _ resourceName: String, in resources: [JSONValue])
        -> JSONValue?
    {
        let parts = resourceName.split(separator: "/").map(String.init)
        let kind = entry["kind"]?.stringValue
        let namespace = entry["namespace"]?.stringValue ?? (parts.count == 2 ? parts[0] : nil)
        let name = parts.last ?? resourceName
        let candidates = resources.filter { resource in
            let identity = ResourceIdentity(resource)
            let resourceNamespace = identity.namespace.isEmpty ? "default" : identity.namespace
            return identity.name == name
                && (namespace.map { $0 == identity.namespace || $0 == resourceNamespace } ?? true)
        }
        return candidates.first(where: { kind == nil || ResourceIdentity($0).kind == kind })
    }

    /// One expected result of a ValidatingPolicy: Kyverno's test compares every rule response of a policy
    /// of these kinds whatever `rule` says; the first one decides here (a resource gets one per variant).
    private func compare(
        entry: JSONValue, validating: CompiledValidatingPolicy, resourceName: String, inputs: KyvernoTestInputs,
        provider: ClusterResourcesProvider, file: String
    ) async -> KyvernoTestRecord {
        if let payload = inputs.jsonPayloads[resourceName] {
            let evaluation = await ValidatingPolicyEvaluator(reportsMatchConditionSkips: true).evaluate(
                validating, attributes: AdmissionAttributes(object: payload), provider: provider,
                exceptions: inputs.celExceptions)
            return Self.record(
                entry, evaluation, scored: validating.policy.scored, resourceName: resourceName, file: file)
        }
        guard var resource = Self.findResource(entry, resourceName, in: inputs.resources) else {
            return Self.record(
                file, entry, resource: resourceName, actual: "", status: .fail, reason: "resource not found")
        }
        // The CLI puts a namespaced resource without a namespace in `default` when it reads it.
        resource = KyvernoTestInputs.defaultingNamespace(resource)
        let values = inputs.variableValues(policy: validating.policy.name, resource: resourceName)
        let operation = entry["operation"]?.stringValue ?? values.global["request.operation"]?.stringValue ?? "CREATE"
        let attributes = AdmissionAttributes(
            object: operation == "DELETE" ? nil : resource, oldObject: operation == "CREATE" ? nil : resource,
            operation: operation, userInfo: Self.userInfo(inputs))
        let evaluator = ValidatingPolicyEvaluator(reportsMatchConditionSkips: true)
        let evaluation = await evaluator.evaluate(
            validating, attributes: attributes, provider: provider, exceptions: inputs.celExceptions)
        return Self.record(entry, evaluation, scored: validating.policy.scored, resourceName: resourceName, file: file)
    }

    /// One expected result of a ValidatingAdmissionPolicy, evaluated as the Kyverno CLI does (the policy's
    /// resources by kind, then its bindings; the last binding's result is the one the CLI keeps).
    private func compare(
        entry: JSONValue, admission: CompiledValidatingAdmissionPolicy, resourceName: String,
        inputs: KyvernoTestInputs, provider: ClusterResourcesProvider, file: String
    ) async -> KyvernoTestRecord {
        guard let resource = Self.findResource(entry, resourceName, in: inputs.resources) else {
            return Self.record(
                file, entry, resource: resourceName, actual: "", status: .fail, reason: "resource not found")
        }
        let attributes = AdmissionAttributes(
            object: KyvernoTestInputs.defaultingNamespace(resource), userInfo: Self.userInfo(inputs))
        var evaluation = await ValidatingAdmissionPolicyEvaluator(cliMatching: true).evaluate(
            admission, bindings: inputs.admissionPolicyBindings, attributes: attributes, provider: provider)
        evaluation.results = evaluation.results.suffix(1)
        return Self.record(entry, evaluation, scored: admission.policy.scored, resourceName: resourceName, file: file)
    }

    /// The record of a CEL policy's evaluation against an expected result.
    private static func record(
        _ entry: JSONValue, _ evaluation: PolicyEvaluation, scored: Bool, resourceName: String, file: String
    ) -> KyvernoTestRecord {
        let expected = Self.expected(entry)
        guard let result = evaluation.results.first else {
            if expected == "skip" {
                return Self.record(file, entry, resource: resourceName, actual: "none", status: .pass, reason: "")
            }
            return Self.record(
                file, entry, resource: resourceName, actual: "none", status: .skip,
                reason: "excluded: the policy did not match the resource (kyverno test counts this as skipped)")
        }
        let actual = result.reportStatus(scored: scored).rawValue
        return Self.record(
            file, entry, resource: resourceName, actual: actual, status: actual == expected ? .pass : .fail,
            reason: actual == expected ? "" : result.message)
    }

    /// Kinds of Kubernetes' built-in API that are cluster-scoped (the CLI's discovery data); every other kind
    /// is namespaced.
    static let clusterScopedKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ComponentStatus", "ClusterRole", "ClusterRoleBinding",
        "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
        "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding", "PriorityClass", "RuntimeClass", "IngressClass",
        "CertificateSigningRequest", "ClusterTrustBundle", "TokenReview", "SubjectAccessReview",
        "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview", "FlowSchema",
        "PriorityLevelConfiguration", "DeviceClass", "ResourceSlice", "ServiceCIDR", "IPAddress",
        "StorageVersion", "StorageVersionMigration",
    ]

    /// The `userinfo` file's user as an admission `userInfo` (`username`, `uid`, `groups`, `extra`).
    private static func userInfo(_ inputs: KyvernoTestInputs) -> JSONValue {
        inputs.requestInfo["request.userInfo"] ?? .object([:])
    }

    private func compare(
        entry: JSONValue, compiled: CompiledPolicy, ruleName: String, resourceName: String,
        inputs: KyvernoTestInputs, provider: ClusterResourcesProvider, file: String
    ) async -> KyvernoTestRecord {
        let parts = resourceName.split(separator: "/").map(String.init)
        let kind = entry["kind"]?.stringValue
        let namespace = entry["namespace"]?.stringValue ?? (parts.count == 2 ? parts[0] : nil)
        let name = parts.last ?? resourceName
        let candidates = inputs.resources.filter { resource in
            let identity = ResourceIdentity(resource)
            // A resource file without a namespace is created in `default`, as the CLI does.
            let resourceNamespace = identity.namespace.isEmpty ? "default" : identity.namespace
            return identity.name == name
                && (namespace.map { $0 == identity.namespace || $0 == resourceNamespace } ?? true)
        }
        guard let resource = candidates.first(where: { kind == nil || ResourceIdentity($0).kind == kind }) else {
            return Self.record(
                file, entry, resource: resourceName, actual: "", status: .fail, reason: "resource not found")
        }
        var scoped = resource
        if compiled.policy.kind == .policy, ResourceIdentity(resource).namespace.isEmpty,
            let policyNamespace = compiled.policy.namespace
        {
            var metadata = resource["metadata"]?.objectValue ?? [:]
            metadata["namespace"] = .string(policyNamespace)
            scoped["metadata"] = .object(metadata)
        }
        var values = inputs.variableValues(policy: compiled.policy.name, resource: name)
        let operation = entry["operation"]?.stringValue ?? values.global["request.operation"]?.stringValue ?? "CREATE"
        // For an UPDATE the CLI uses the resource as its own old object.
        if operation == "UPDATE", values.global["request.oldObject"] == nil {
            values.global["request.oldObject"] = scoped
        }
        let evaluation = await evaluator.evaluate(
            compiled, resource: scoped, provider: provider, operation: operation, values: values,
            exceptions: inputs.exceptions)
        let ruleNames = [ruleName, "autogen-" + ruleName, "autogen-cronjob-" + ruleName]
        let expected = Self.expected(entry)
        guard let result = evaluation.results.first(where: { ruleNames.contains($0.ruleName) }) else {
            // `kyverno test` shows a resource without a rule response as "Excluded" and counts it as skipped,
            // whatever result was expected; an expected skip is met.
            if expected == "skip" {
                return Self.record(file, entry, resource: resourceName, actual: "none", status: .pass, reason: "")
            }
            return Self.record(
                file, entry, resource: resourceName, actual: "none", status: .skip,
                reason: "excluded: the rule did not match the resource (kyverno test counts this as skipped)")
        }
        if result.message.hasPrefix("unsupported:") {
            return Self.record(
                file, entry, resource: resourceName, actual: result.status.rawValue, status: .skip,
                reason: result.message)
        }
        let actual = result.reportStatus(scored: compiled.policy.scored).rawValue
        return Self.record(
            file, entry, resource: resourceName, actual: actual, status: actual == expected ? .pass : .fail,
            reason: actual == expected ? "" : result.message)
    }

    private static func expected(_ entry: JSONValue) -> String {
        entry["result"]?.stringValue ?? entry["status"]?.stringValue ?? ""
    }

    /// `resources` (or the legacy `resource`) of an expected result.
    private static func resourceNames(_ entry: JSONValue) -> [String] {
        if let names = entry["resources"]?.arrayValue { return names.compactMap(\.stringValue) }
        return entry["resource"]?.stringValue.map { [$0] } ?? []
    }

    private static func record(
        _ file: String, _ entry: JSONValue, resource: String, actual: String, status: KyvernoTestRecord.Status,
        reason: String
    ) -> KyvernoTestRecord {
        KyvernoTestRecord(
            file: file, policy: entry["policy"]?.stringValue ?? "", rule: entry["rule"]?.stringValue ?? "",
            resource: resource, expected: expected(entry), actual: actual, status: status, reason: reason)
    }
}
