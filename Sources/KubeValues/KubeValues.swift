// KubeValues: value types with Go and Kubernetes semantics that more than one engine needs.
//
// Pure (Foundation-free, no dependencies): `GoRegex` (Go RE2 syntax and semantics on Swift's `Regex`).
// Both PolicyEngine (Kyverno's JMESPath functions) and CEL (`matches`, Kubernetes' regex library)
// import it, so neither has to import the other.
