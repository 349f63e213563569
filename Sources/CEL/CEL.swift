// CEL: the Common Expression Language (https://github.com/google/cel-spec), written here by hand.
//
// No maintained Swift implementation of CEL exists, so Vigil carries its own. The module is pure: it
// imports JSONValue (Kubernetes objects), KubeValues (Go RE2 regexes for `matches`), OrderedCollections
// (map literal order) and Foundation (IANA time zones, base64, printf-style `format`, inet_pton).
//
// Layout (each stage is one directory):
// - `Syntax/`: `CELLexer` (tokens), `CELParser` (the whole grammar of cel-spec's langdef, macros expanded
//   into `CELExpr.Kind.comprehension` as cel-go does, optional syntax, reserved words, depth limits) and
//   the AST `CELExpr`.
// - `Values/`: `CELValue` (one enum; JSON objects and arrays are wrapped, not converted, so only the
//   fields an expression touches are ever looked at), `CELList`, `CELMap`, `CELType`, `CELError`,
//   timestamps and durations, and the heterogeneous numeric equality and ordering of the spec.
// - `Runtime/`: `CELEnvironment` (declared variables and function libraries), `CELCompiler` (AST to a
//   tree of closures: variables resolve to slots, functions to overload sets, at compile time),
//   `CELProgram` (the `Sendable` result, evaluated many times against variables by name or by slot).
// - `Library/`: `CELFunctionRegistry` and `CELOverload` (the extension point: a library is a value of
//   type `CELLibrary` that registers overloads by name, receiver style, arity and argument kinds), and
//   the libraries: standard, ext.Strings v2 (`CELStringsLibrary`, v3 adds `reverse`), ext.Sets, ext.Lists v3,
//   and Kubernetes' URLs, regex, lists, authz (declared; no authorizer), quantity, IP/CIDR
//   (`CELNetworkLibrary`), format and semver libraries (`CELEnvironment.kubernetesLibraries`); Kyverno's
//   ext.Math and base64 (`CELMathLibrary`, `CELEncodersLibrary`), gathered by `CELEnvironment.kubernetes()`
//   and `CELEnvironment.kyverno()`, which also refuse mixed-type literals as Kubernetes does.
//
// Usage:
//
//     let env = CELEnvironment(variables: ["object"])
//     let program = try env.compile("object.spec.containers.all(c, c.image.startsWith('registry.io/'))")
//     let result = program.evaluate(["object": CELValue(json: pod)])   // .bool(true), or .error(...)
