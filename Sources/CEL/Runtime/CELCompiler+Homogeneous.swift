/// Kubernetes' `cel.HomogeneousAggregateLiterals` check: every element of a list literal, and every key and
/// every value of a map literal, must have the same static type (``CELCompiler/staticType(_:)``). Elements
/// whose type the inference does not follow are not compared, so the check refuses only what cel-go refuses.
extension CELCompiler {
    static func compatible(_ a: CELStaticType?, _ b: CELStaticType?) -> Bool {
        guard let a, let b else { return true }
        switch (a, b) {
        case (.named(let x), .named(let y)): return x == y
        case (.dyn, .dyn): return true
        case (.list(let x), .list(let y)): return compatible(x, y)
        case (.map(let k1, let v1), .map(let k2, let v2)): return compatible(k1, k2) && compatible(v1, v2)
        default: return false
        }
    }

    /// The more specific of two compatible types.
    static func merged(_ a: CELStaticType?, _ b: CELStaticType?) -> CELStaticType? {
        guard let a else { return b }
        guard let b else { return a }
        switch (a, b) {
        case (.list(let x), .list(let y)): return .list(merged(x, y))
        case (.map(let k1, let v1), .map(let k2, let v2)): return .map(merged(k1, k2), merged(v1, v2))
        default: return a
        }
    }

    /// Throws cel-go's error at the first element whose type differs from the ones before it.
    func checkHomogeneous(_ items: [CELExpr]) throws(CELCompileError) {
        var expected: CELStaticType?
        for item in items {
            let type = staticType(item)
            guard Self.compatible(expected, type) else {
                throw error(
                    "expected type '\(expected?.name ?? "dyn")' but found '\(type?.name ?? "dyn")'", at: item.offset)
            }
            expected = Self.merged(expected, type)
        }
    }
}
