/// The Kyverno policy engine: the policy model, background-safety validation, autogen, match/exclude,
/// variable substitution, Kyverno's JMESPath functions, context entries, conditions, patterns and results.
///
/// CEL policies live in `CELPolicy/` and use the `CEL` module: ``ValidatingPolicy`` (and its namespaced
/// kind) with ``CompiledValidatingPolicy`` and ``ValidatingPolicyEvaluator``, CEL PolicyExceptions
/// (``CELPolicyException``), `validate.cel` rules of ClusterPolicies (evaluated by ``PolicyEvaluator`` like any
/// other rule), Kubernetes' admission matching (``AdmissionMatcher``) and Kyverno's CEL libraries
/// (``KyvernoCELLibrary``, ``KyvernoCELDataLibrary``). They share this module because `validate.cel` rules are
/// rules of the legacy policies, and both kinds read external data through the same ``ContextProvider``.
///
/// Pure: all I/O goes through a `ContextProvider`. Written by hand because no Swift library implements
/// Kyverno's semantics.
public enum PolicyEngine {}
