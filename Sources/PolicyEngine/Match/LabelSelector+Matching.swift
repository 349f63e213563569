extension LabelSelector {
    /// Whether `labels` satisfy the selector, after Kyverno's wildcard expansion of `matchLabels`
    /// (a wildcard key/value pair is replaced by the first label that matches it). An empty selector
    /// matches everything.
    func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels {
            let keyPattern = Wildcard(key)
            let valuePattern = Wildcard(value)
            if keyPattern.containsWildcards || valuePattern.containsWildcards {
                let found = labels.contains { keyPattern.matches($0.key) && valuePattern.matches($0.value) }
                if !found { return false }
            } else if labels[key] != value {
                return false
            }
        }
        return matchesExpressions(labels)
    }

    /// Whether `labels` satisfy every `matchExpressions` requirement (Kubernetes' semantics).
    func matchesExpressions(_ labels: [String: String]) -> Bool {
        for requirement in matchExpressions {
            let actual = labels[requirement.key]
            switch requirement.operator {
            case .in:
                guard let actual, requirement.values.contains(actual) else { return false }
            case .notIn:
                if let actual, requirement.values.contains(actual) { return false }
            case .exists:
                if actual == nil { return false }
            case .doesNotExist:
                if actual != nil { return false }
            }
        }
        return true
    }
}
