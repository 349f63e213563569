import Foundation
import JSONValue
import PolicyEngine
import PolicyTesting
import YAML

/// The inputs of `vigil apply`, read file by file so that a bad file or document is reported (naming the
/// file, the document and the field) without hiding the others.
struct ApplyInputs {
    var policies: [CompiledPolicy] = []
    /// ValidatingPolicies and NamespacedValidatingPolicies.
    var validatingPolicies: [CompiledValidatingPolicy] = []
    /// ValidatingAdmissionPolicies and their bindings.
    var admissionPolicies: [CompiledValidatingAdmissionPolicy] = []
    var admissionPolicyBindings: [ValidatingAdmissionPolicyBinding] = []
    /// CEL PolicyExceptions (policies.kyverno.io).
    var celExceptions: [CompiledCELPolicyException] = []
    /// The file each policy (by report name) came from.
    var policyFiles: [String: String] = [:]
    var exceptions: [PolicyException] = []
    var resources: [JSONValue] = []
    /// Namespaces (from the resources, the labels file and the values file) and other objects the
    /// context provider serves.
    var clusterObjects: [JSONValue] = []
    var values: KyvernoTestInputs?
    /// `--mocks`: API call responses and GlobalContextEntry data.
    var apiCallResponses: [JSONValue] = []
    var globalContextEntries: [String: JSONValue] = [:]
    /// Bad input: each makes the command exit with status 2.
    var problems: [String] = []
    /// Things a user should know that are not errors (background refusals, unsupported rules).
    var notices: [String] = []

    mutating func load(_ options: ApplyOptions) {
        let policyDocuments = documents(options.policyPaths)
        for (file, index, document) in policyDocuments
        where ValidatingPolicyDecoder.isValidatingPolicyDocument(document) {
            do {
                let compiled = try CompiledValidatingPolicy(try ValidatingPolicyDecoder.decode(document, index: index))
                validatingPolicies.append(compiled)
                policyFiles[compiled.policy.reportName] = "\(file) (document \(index))"
                if !compiled.runsInBackground {
                    notices.append(
                        "policy \(compiled.policy.reportName): evaluation.background.enabled is false "
                            + "(Vigil's scanner leaves it out)")
                }
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        for (file, index, document) in policyDocuments {
            do {
                if ValidatingAdmissionPolicyDecoder.isPolicyDocument(document) {
                    let policy = try ValidatingAdmissionPolicyDecoder.decodePolicy(document, index: index)
                    admissionPolicies.append(CompiledValidatingAdmissionPolicy(policy))
                    policyFiles[policy.name] = "\(file) (document \(index))"
                    if !policy.reportsEnabled {
                        notices.append(
                            "ValidatingAdmissionPolicy \(policy.name): not labelled \(ValidatingAdmissionPolicy.reportsEnabledLabel)"
                                + "=true (Vigil's scanner, like Kyverno's, leaves it out)")
                    }
                } else if ValidatingAdmissionPolicyDecoder.isBindingDocument(document) {
                    admissionPolicyBindings.append(
                        try ValidatingAdmissionPolicyDecoder.decodeBinding(document, index: index))
                }
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        for binding in admissionPolicyBindings
        where !admissionPolicies.contains(where: { $0.policy.name == binding.policyName }) {
            notices.append(
                "binding \(binding.name): no ValidatingAdmissionPolicy \(binding.policyName) among the policies")
        }
        for (file, index, document) in policyDocuments where CELPolicyException.isExceptionDocument(document) {
            loadCELException(document, file: file, index: index)
        }
        for (file, index, document) in policyDocuments where PolicyDecoder.isPolicyDocument(document) {
            do {
                let compiled = try CompiledPolicy(try PolicyDecoder.decode(document, index: index))
                policies.append(compiled)
                policyFiles[compiled.policy.reportName] = "\(file) (document \(index))"
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        for policy in policies {
            for violation in policy.backgroundViolations {
                notices.append(
                    "policy \(policy.policy.reportName) cannot run in background (rule \(violation.rule ?? "-")): "
                        + violation.message)
            }
            for (rule, feature) in policy.unsupported {
                notices.append("policy \(policy.policy.reportName) rule \(rule): unsupported: \(feature)")
            }
        }
        for (file, index, document) in documents(options.exceptions) {
            if CELPolicyException.isExceptionDocument(document) {
                loadCELException(document, file: file, index: index)
                continue
            }
            guard PolicyException.isExceptionDocument(document) else {
                problems.append("\(file) (document \(index)): not a kyverno.io/v2 or v2beta1 PolicyException")
                continue
            }
            do {
                exceptions.append(try PolicyException(decoding: document, index: index))
            } catch {
                problems.append("\(file): \(error)")
            }
        }
        if let path = options.values {
            do {
                let inputs = try KyvernoTestInputs(test: .object(["variables": .string(path)]), directory: ".")
                values = inputs
                clusterObjects += inputs.clusterObjects
            } catch {
                problems.append("values file \(error)")
            }
        }
        // Parameter objects: a namespaced one without a namespace is in `default`, as the Kyverno CLI reads it.
        for (file, index, document) in documents(options.parameterResources) {
            if let problem = Self.notKubernetesObject(document) {
                problems.append("\(file) (document \(index)): not a Kubernetes object: \(problem)")
                continue
            }
            clusterObjects.append(KyvernoTestInputs.defaultingNamespace(document))
        }
        if let path = options.mocks { loadMocks(path) }
        if let path = options.namespaceLabels { loadNamespaceLabels(path) }
        for (file, index, document) in documents(options.resources) {
            if let problem = Self.notKubernetesObject(document) {
                problems.append("\(file) (document \(index)): not a Kubernetes object: \(problem)")
                continue
            }
            if PolicyDecoder.isPolicyDocument(document) || PolicyException.isExceptionDocument(document)
                || ValidatingPolicyDecoder.isValidatingPolicyDocument(document)
                || CELPolicyException.isExceptionDocument(document)
                || ValidatingAdmissionPolicyDecoder.isPolicyDocument(document)
                || ValidatingAdmissionPolicyDecoder.isBindingDocument(document)
            {
                continue
            }
            resources.append(document)
            if document["kind"]?.stringValue == "Namespace" { clusterObjects.append(document) }
        }
    }

    private mutating func loadCELException(_ document: JSONValue, file: String, index: Int) {
        do {
            celExceptions.append(try CompiledCELPolicyException(try CELPolicyException(decoding: document)))
        } catch {
            problems.append("\(file) (document \(index)): \(error)")
        }
    }

    /// Reads `--mocks`: the first document's `apiCallResponses` and `globalContextEntries` (resource files
    /// relative to the mocks file).
    mutating func loadMocks(_ path: String) {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let document = try YAML.load(text).first { !$0.isNull } ?? .object([:])
            let directory = (path as NSString).deletingLastPathComponent
            (apiCallResponses, globalContextEntries) = try KyvernoTestInputs.mocks(
                document, directory: directory.isEmpty ? "." : directory)
        } catch {
            problems.append("mocks file \(path): \(error)")
        }
    }

    /// Why a document is not a Kubernetes object (nil when it is one).
    static func notKubernetesObject(_ document: JSONValue) -> String? {
        guard document.objectValue != nil else { return "a \(document.typeName), not an object" }
        guard let apiVersion = document["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            return "apiVersion is missing or not a string"
        }
        guard let kind = document["kind"]?.stringValue, !kind.isEmpty else { return "kind is missing or not a string" }
        guard let metadata = document["metadata"], metadata.objectValue != nil else {
            return "metadata is missing or not an object"
        }
        let name = metadata["name"]?.stringValue ?? metadata["generateName"]?.stringValue ?? ""
        guard !name.isEmpty else { return "metadata.name is missing or not a string" }
        return nil
    }

    /// A file mapping namespace names to label maps: `prod: {team: web}`.
    private mutating func loadNamespaceLabels(_ path: String) {
        for (file, index, document) in documents([path]) {
            guard let namespaces = document.objectValue else {
                problems.append("\(file) (document \(index)): must map namespace names to label maps")
                continue
            }
            for (namespace, labels) in namespaces {
                guard let map = labels.objectValue, map.values.allSatisfy({ $0.stringValue != nil }) else {
                    problems.append("\(file) (document \(index)): \(namespace): labels must be a map of strings")
                    continue
                }
                clusterObjects.append(
                    .object([
                        "apiVersion": "v1", "kind": "Namespace",
                        "metadata": .object(["name": .string(namespace), "labels": .object(map)]),
                    ]))
            }
        }
    }

    /// Every non-null document of the given files, and of the `.yaml`, `.yml` and `.json` files under the
    /// given directories, with its file and index. Unreadable files and broken YAML are recorded as problems.
    private mutating func documents(_ paths: [String]) -> [(String, Int, JSONValue)] {
        var result: [(String, Int, JSONValue)] = []
        for path in paths {
            do {
                for file in try ManifestFiles.files(at: path) {
                    do {
                        result += try ManifestFiles.documents(inFile: file).map { (file, $0.0, $0.1) }
                    } catch {
                        problems.append(error.description)
                    }
                }
            } catch {
                problems.append(error.description)
            }
        }
        return result
    }
}
