import Foundation
import JMESPath
import JSONValue
import Testing

/// The deepest expressions the parser accepts must compile and evaluate on a thread with a small stack
/// (512 KiB in release builds, the size of a secondary thread on macOS), so that the depth limit really
/// protects the process.
struct JMESPathStackTests {
    static let deepest: [String] = [
        String(repeating: "!", count: 254) + "a",
        String(repeating: "(", count: 254) + "a" + String(repeating: ")", count: 254),
        String(repeating: "[", count: 126) + "a" + String(repeating: "]", count: 126),
        String(repeating: "a[*].", count: 126) + "a",
        String(repeating: "not_null(", count: 126) + "a" + String(repeating: ")", count: 126),
        String(repeating: "{a: ", count: 126) + "a" + String(repeating: "}", count: 126),
        Array(repeating: "a", count: 250).joined(separator: " | "),
    ]

    /// Debug builds keep every local of a function in its frame, so they need several times the stack.
    #if DEBUG
        static let stackSize = 16 * 1024 * 1024
    #else
        static let stackSize = 512 * 1024
    #endif

    @Test(arguments: deepest)
    func deepestAcceptedExpressionsEvaluateOnASmallStack(_ text: String) throws {
        // Near the depth limit, but accepted.
        _ = try JMESPathExpression(text)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            _ = try? JMESPathExpression(text).search(["a": ["a": 1]])
            finished.signal()
        }
        thread.stackSize = Self.stackSize
        thread.start()
        finished.wait()
    }
}
