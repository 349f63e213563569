/// The Kyverno policy engine: the policy model, background-safety validation, autogen, match/exclude,
/// variable substitution, Kyverno's JMESPath functions, context entries, conditions, patterns and results.
///
/// Pure: all I/O goes through a `ContextProvider`. Written by hand because no Swift library implements
/// Kyverno's semantics.
public enum PolicyEngine {}
