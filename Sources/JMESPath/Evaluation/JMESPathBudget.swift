import JSONValue
import Synchronization

/// The number of JSON nodes that the multi-selects and function calls of one evaluation may still build
/// (see ``JMESPathOptions/maximumBuiltNodes``).
///
/// A class so that expression references, which function bodies may call from any thread, share it.
final class JMESPathBudget: Sendable {
    private let remaining: Atomic<Int>

    init(_ nodes: Int) {
        remaining = Atomic(nodes)
    }

    /// Counts the nodes of `value` (following shared subtrees as often as they occur) against the budget.
    /// - Throws: `limit-exceeded` when the budget runs out.
    func charge(_ value: JSONValue) throws(JMESPathError) {
        let available = remaining.load(ordering: .relaxed)
        var count = 0
        Self.count(value, into: &count, limit: available)
        let (_, left) = remaining.wrappingSubtract(count, ordering: .relaxed)
        if count > available || left < 0 {
            throw JMESPathError(
                .limitExceeded, "the expression builds values with more than the allowed number of JSON nodes")
        }
    }

    /// Adds the node count of `value` to `count`, stopping once it passes `limit`.
    private static func count(_ value: JSONValue, into count: inout Int, limit: Int) {
        count += 1
        if count > limit { return }
        switch value {
        case .array(let elements):
            for element in elements {
                Self.count(element, into: &count, limit: limit)
                if count > limit { return }
            }
        case .object(let object):
            for member in object.values {
                Self.count(member, into: &count, limit: limit)
                if count > limit { return }
            }
        default:
            return
        }
    }
}
