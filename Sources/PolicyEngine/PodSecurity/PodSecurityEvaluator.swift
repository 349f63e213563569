import JSONValue

/// `validate.podSecurity`: Pod Security Standards checks.
enum PodSecurityEvaluator {
    static func evaluate(_ podSecurity: PodSecurity, rule: Rule, resource: JSONValue) -> RuleResult {
        .error(rule, "unsupported: validate.podSecurity")
    }
}
