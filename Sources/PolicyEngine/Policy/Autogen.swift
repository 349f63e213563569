public import JSONValue

/// Kyverno's autogen (pkg/autogen/v1): rules written for Pods are also generated for the Pod controllers
/// (`autogen-<rule>`) and for CronJobs (`autogen-cronjob-<rule>`), with patterns wrapped in
/// `spec.template` / `spec.jobTemplate.spec.template` and `request.object` paths rewritten.
public enum Autogen {
    /// The controllers Kyverno generates rules for by default (CronJob gets its own rule).
    public static let podControllers: Set<String> = [
        "DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController", "CronJob",
    ]
    static let podControllersAndPod = podControllers.union(["Pod"])
    static let templateControllers: Set<String> = [
        "DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController",
    ]
    static let allTemplateControllers = "DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController"

    static let controllerGVK: [String: String] = [
        "DaemonSet": "apps/v1/DaemonSet", "Deployment": "apps/v1/Deployment", "Job": "batch/v1/Job",
        "StatefulSet": "apps/v1/StatefulSet", "ReplicaSet": "apps/v1/ReplicaSet",
        "ReplicationController": "v1/ReplicationController", "CronJob": "batch/v1/CronJob", "Pod": "v1/Pod",
    ]

    /// Whether autogen applies to the rules, and the controllers it would use by default (Kyverno's
    /// `CanAutoGen`). It does not apply when a rule generates resources or uses JSON 6902 patches, when a
    /// match or exclude filter uses `name`, `names`, `selector` or `annotations`, when a filter mixes Pod
    /// with other kinds, or when no filter names Pod or a Pod controller.
    public static func canAutogen(_ rules: [Rule]) -> (applies: Bool, controllers: Set<String>) {
        var needed = false
        for rule in rules {
            if rule.type == .generate { return (false, ["none"]) }
            if rule.type == .mutate, usesJSON6902(rule.document) { return (false, ["none"]) }
            var filters = [rule.match.legacy] + rule.match.any + rule.match.all
            if let exclude = rule.exclude { filters += [exclude.legacy] + exclude.any + exclude.all }
            for filter in filters {
                let description = filter.resources
                let kinds = description.kinds
                let mixesPod = kinds.count > 1 && KindSelector.containsKind(kinds, "Pod")
                if description.name.map({ !$0.isEmpty }) ?? false || !description.names.isEmpty
                    || description.selector != nil || description.annotations != nil || mixesPod
                {
                    return (false, [])
                }
                if kinds.contains(where: podControllersAndPod.contains) { needed = true }
            }
        }
        return needed ? (true, podControllers) : (false, [])
    }

    private static func usesJSON6902(_ rule: JSONValue) -> Bool {
        guard let mutate = rule["mutate"] else { return false }
        if let patches = mutate["patchesJson6902"]?.stringValue, !patches.isEmpty { return true }
        for element in mutate["foreach"]?.arrayValue ?? [] {
            if let patches = element["patchesJson6902"]?.stringValue, !patches.isEmpty { return true }
        }
        return false
    }

    /// The controllers autogen uses for a policy: the annotation when autogen applies and the policy sets
    /// it, otherwise the defaults; `["none"]` when autogen does not apply.
    public static func controllers(for policy: Policy) -> Set<String> {
        let (applies, desired) = canAutogen(policy.spec.rules)
        guard applies else { return ["none"] }
        if let annotation = policy.annotations[PolicyAnnotation.autogenControllers] {
            return Set(annotation.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        }
        return desired
    }

    /// The documents of the rules autogen generates for a policy, in Kyverno's order (for each rule:
    /// `autogen-<rule>`, then `autogen-cronjob-<rule>`). Empty when autogen does not apply.
    public static func generatedRuleDocuments(for policy: Policy) -> [JSONValue] {
        let controllers = controllers(for: policy)
        let joined = controllers.sorted().joined(separator: ",")
        if joined == "none" { return [] }
        var generated: [JSONValue] = []
        for rule in policy.spec.rules {
            let stripped = stripCronJob(joined)
            if let document = ruleForControllers(rule, controllers: stripped) {
                let replacements = rule.validation?.cel != nil ? podCELReplacements : podReplacements
                generated.append(rewritePaths(in: document, replacements: replacements))
            }
            if joined.contains("CronJob") || joined.contains("all"),
                let intermediate = ruleForControllers(rule, controllers: joined),
                let document = generateRule(
                    name: autogenName(prefix: "autogen-cronjob", rule.name), rule: intermediate,
                    templateKey: "jobTemplate", kinds: ["CronJob"], replaceAllFilters: true)
            {
                let replacements = rule.validation?.cel != nil ? cronJobCELReplacements : cronJobReplacements
                generated.append(rewritePaths(in: document, replacements: replacements))
            }
        }
        return generated
    }

    static func autogenName(prefix: String, _ name: String) -> String {
        String((prefix + "-" + name).prefix(63))
    }

    private static func splitKinds(_ controllers: String) -> [String] {
        controllers.split(separator: ",", omittingEmptySubsequences: false).map(String.init).sorted()
    }

    private static func stripCronJob(_ controllers: String) -> String {
        splitKinds(controllers).filter { $0 != "CronJob" }.joined(separator: ",")
    }

    private static func ruleForControllers(_ rule: Rule, controllers: String) -> JSONValue? {
        if rule.isAutogen || controllers.isEmpty { return nil }
        let excludeKinds = rule.exclude?.kinds ?? []
        guard KindSelector.containsKind(rule.match.kinds, "Pod"),
            excludeKinds.isEmpty || KindSelector.containsKind(excludeKinds, "Pod")
        else { return nil }
        var resolved = controllers
        if controllers == "all" {
            resolved = allTemplateControllers
        } else if controllers != "none" {
            let validated = splitKinds(controllers).filter(templateControllers.contains)
            if !validated.isEmpty { resolved = validated.joined(separator: ",") }
        }
        return generateRule(
            name: autogenName(prefix: "autogen", rule.name), rule: rule.document, templateKey: "template",
            kinds: splitKinds(resolved), replaceAllFilters: false)
    }
}
