import Failures
import JMESPath
public import JSONValue
import Synchronization

/// Compiles and runs the JMESPath expressions of a policy set with Kyverno's functions and Kyverno's
/// missing-key behaviour. Expressions are compiled once and cached; the cache is shared by all evaluations.
public final class QueryEngine: Sendable {
    let functions: JMESPathFunctionRegistry
    private let cache = Mutex<[String: JMESPathExpression]>([:])
    private static let cacheLimit = 10_000

    /// - Parameter functions: the functions expressions may call (the standard set plus Kyverno's).
    public init(functions: JMESPathFunctionRegistry) {
        self.functions = functions
    }

    /// A query engine with the standard JMESPath functions and Kyverno's.
    public static func kyverno() -> QueryEngine {
        var registry = JMESPathFunctionRegistry.standard
        KyvernoFunctions.install(into: &registry)
        return QueryEngine(functions: registry)
    }

    /// Compiles an expression (or returns the cached one).
    func compile(_ text: String) throws(EvaluationError) -> JMESPathExpression {
        if let cached = cache.withLock({ $0[text] }) { return cached }
        let expression: JMESPathExpression
        do {
            expression = try JMESPathExpression(text)
        } catch {
            throw EvaluationError("incorrect query \(text): \(error.message)")
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[text] = expression
        }
        return expression
    }

    /// Compiles every expression of a policy ahead of evaluation and returns the ones that do not compile,
    /// with the rule they belong to and the parser's message.
    public func prepare(_ policy: CompiledPolicy) -> [(rule: String, expression: String, message: String)] {
        var failures: [(rule: String, expression: String, message: String)] = []
        for (rule, expression) in policy.expressions {
            do {
                _ = try compile(expression)
            } catch {
                failures.append((rule, expression, error.message))
            }
        }
        return failures
    }

    /// Kyverno's `context.Query`: trims the query, compiles it and searches the document.
    func query(_ text: String, in document: JSONValue) throws(EvaluationError) -> JSONValue {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw EvaluationError("invalid query (nil)") }
        let expression = try compile(trimmed)
        do {
            return try expression.search(document, functions: functions, options: .kyverno)
        } catch {
            throw EvaluationError("JMESPath query failed: \(error.message)", isNotFound: error.kind == .notFound)
        }
    }

    /// Applies an expression to a value with Kyverno's functions, for callers outside the engine
    /// (GlobalContextEntry projections, values-file mocks).
    ///
    /// - Throws: ``ContextProviderError`` with kind `invalid` whose message is the JMESPath error.
    public func evaluate(_ expression: String, on value: JSONValue) throws(ContextProviderError) -> JSONValue {
        do {
            return try apply(expression, to: value)
        } catch {
            throw ContextProviderError(.invalid, error.message)
        }
    }

    /// Applies an expression to a value (context entries' `jmesPath` over a loaded value).
    func apply(_ text: String, to value: JSONValue) throws(EvaluationError) -> JSONValue {
        let expression = try compile(text.trimmingWhitespace())
        do {
            return try expression.search(value, functions: functions, options: .kyverno)
        } catch {
            throw EvaluationError(error.message, isNotFound: error.kind == .notFound)
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
