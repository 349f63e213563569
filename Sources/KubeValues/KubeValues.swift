// KubeValues: value types with Go and Kubernetes semantics that more than one engine needs.
//
// Pure (Foundation-free, no dependencies): `GoRegex` (Go RE2 syntax and semantics on Swift's `Regex`),
// `Quantity` (Kubernetes' `resource.Quantity`: parsing, canonical printing, arithmetic, comparison) and
// `SemanticVersion` (blang/semver v4). Both PolicyEngine (Kyverno's JMESPath functions and patterns) and
// CEL (`matches`, Kubernetes' regex, quantity and semver libraries) import it, so neither has to import
// the other and both use one implementation.
