import JSONValue

extension JMESPathFunctionRegistry {
    /// The 26 built-in functions of the JMESPath specification, with its signatures.
    public static let standard = JMESPathFunctionRegistry(JMESPathStandardFunctions.all)
}

/// The built-in functions. Arity and argument types are checked by the interpreter from each function's
/// parameters before the body runs, so the bodies read their arguments without checking them again.
enum JMESPathStandardFunctions {
    static let all: [JMESPathFunction] = numeric + strings + collections + conversions

    private static let numberArray = JMESPathParameter(.arrayOf(.number))
    private static let sortable = JMESPathParameter(.arrayOf(.number), .arrayOf(.string))

    static let numeric: [JMESPathFunction] = [
        JMESPathFunction(
            name: "abs", parameters: [JMESPathParameter(.number)], returns: .number,
            summary: "The absolute value of a number."
        ) { arguments in
            switch arguments[0].value {
            case .int(let number): number == .min ? .double(-Double(number)) : .int(Swift.abs(number))
            case .double(let number): .double(Swift.abs(number))
            default: .null
            }
        },
        JMESPathFunction(
            name: "avg", parameters: [numberArray], returns: .number,
            summary: "The average of an array of numbers; null for an empty array."
        ) { arguments in
            let numbers = arguments[0].value.arrayValue ?? []
            if numbers.isEmpty { return .null }
            return .double(numbers.reduce(0.0) { $0 + ($1.doubleValue ?? 0) } / Double(numbers.count))
        },
        JMESPathFunction(
            name: "ceil", parameters: [JMESPathParameter(.number)], returns: .number,
            summary: "The smallest integer not less than the number."
        ) { arguments in
            rounded(arguments[0].value, .up)
        },
        JMESPathFunction(
            name: "floor", parameters: [JMESPathParameter(.number)], returns: .number,
            summary: "The largest integer not greater than the number."
        ) { arguments in
            rounded(arguments[0].value, .down)
        },
        JMESPathFunction(
            name: "sum", parameters: [numberArray], returns: .number,
            summary: "The sum of an array of numbers; 0 for an empty array."
        ) { arguments in
            sum(arguments[0].value.arrayValue ?? [])
        },
        JMESPathFunction(
            name: "max", parameters: [sortable], returns: .any,
            summary: "The largest number or string of an array; null for an empty array."
        ) { arguments in
            extreme(arguments[0].value.arrayValue ?? [], largest: true)
        },
        JMESPathFunction(
            name: "min", parameters: [sortable], returns: .any,
            summary: "The smallest number or string of an array; null for an empty array."
        ) { arguments in
            extreme(arguments[0].value.arrayValue ?? [], largest: false)
        },
    ]

    static let strings: [JMESPathFunction] = [
        JMESPathFunction(
            name: "contains", parameters: [JMESPathParameter(.array, .string), JMESPathParameter(.any)],
            returns: .boolean,
            summary: "Whether an array has an element equal to the value, or a string contains the string."
        ) { arguments in
            switch (arguments[0].value, arguments[1].value) {
            case (.array(let elements), let search): .bool(elements.contains(search))
            case (.string(let subject), .string(let search)):
                .bool(utf8Contains(subject, search))
            default: .bool(false)
            }
        },
        JMESPathFunction(
            name: "starts_with", parameters: [JMESPathParameter(.string), JMESPathParameter(.string)],
            returns: .boolean, summary: "Whether the first string starts with the second."
        ) { arguments in
            let subject = arguments[0].value.stringValue ?? ""
            let prefix = arguments[1].value.stringValue ?? ""
            return .bool(subject.utf8.starts(with: prefix.utf8))
        },
        JMESPathFunction(
            name: "ends_with", parameters: [JMESPathParameter(.string), JMESPathParameter(.string)],
            returns: .boolean, summary: "Whether the first string ends with the second."
        ) { arguments in
            let subject = arguments[0].value.stringValue ?? ""
            let suffix = arguments[1].value.stringValue ?? ""
            return .bool(subject.utf8.reversed().starts(with: suffix.utf8.reversed()))
        },
        JMESPathFunction(
            name: "join", parameters: [JMESPathParameter(.string), JMESPathParameter(.arrayOf(.string))],
            returns: .string, summary: "The strings of the array joined with the separator."
        ) { arguments in
            let separator = arguments[0].value.stringValue ?? ""
            let parts = (arguments[1].value.arrayValue ?? []).map { $0.stringValue ?? "" }
            return .string(parts.joined(separator: separator))
        },
        JMESPathFunction(
            name: "length", parameters: [JMESPathParameter(.string, .array, .object)], returns: .number,
            summary: "The number of characters of a string, elements of an array or members of an object."
        ) { arguments in
            switch arguments[0].value {
            case .string(let string): .int(string.unicodeScalars.count)
            case .array(let elements): .int(elements.count)
            case .object(let object): .int(object.count)
            default: .null
            }
        },
        JMESPathFunction(
            name: "reverse", parameters: [JMESPathParameter(.string, .array)], returns: .any,
            summary: "A string or an array in reverse order."
        ) { arguments in
            switch arguments[0].value {
            case .string(let string):
                var reversed = String.UnicodeScalarView()
                reversed.append(contentsOf: string.unicodeScalars.reversed())
                return .string(String(reversed))
            case .array(let elements): return .array(elements.reversed())
            default: return .null
            }
        },
    ]

    // MARK: - Helpers

    /// Whether `needle` occurs in `haystack`, comparing UTF-8 bytes (so code points, without Unicode
    /// canonical equivalence, as the specification requires).
    static func utf8Contains(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { haystackBytes in
            needle.withUTF8 { needleBytes in
                guard let first = needleBytes.first else { return true }
                let count = needleBytes.count
                guard haystackBytes.count >= count else { return false }
                var start = 0
                while start <= haystackBytes.count - count {
                    if haystackBytes[start] == first, haystackBytes[start..<start + count].elementsEqual(needleBytes) {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }
    }

    static func rounded(_ value: JSONValue, _ rule: FloatingPointRoundingRule) -> JSONValue {
        switch value {
        case .int: return value
        case .double(let number):
            let result = number.rounded(rule)
            if let exact = Int(exactly: result) { return .int(exact) }
            return .double(result)
        default: return .null
        }
    }

    /// Sums exactly while the integers fit in 64 bits, in floating point otherwise.
    static func sum(_ numbers: [JSONValue]) -> JSONValue {
        var integer = 0
        var floating = 0.0
        var isInteger = true
        for number in numbers {
            if isInteger, case .int(let value) = number {
                let (next, overflow) = integer.addingReportingOverflow(value)
                if !overflow {
                    integer = next
                    continue
                }
            }
            if isInteger {
                isInteger = false
                floating = Double(integer)
            }
            floating += number.doubleValue ?? 0
        }
        return isInteger ? .int(integer) : .double(floating)
    }

    /// The order of two numbers or two strings (strings by Unicode code point); `nil` for other pairs.
    static func order(_ left: JSONValue, _ right: JSONValue) -> Int? {
        if case .string(let a) = left, case .string(let b) = right {
            if a == b { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        }
        return JMESPathInterpreter.numericOrder(left, right)
    }

    static func extreme(_ elements: [JSONValue], largest: Bool) -> JSONValue {
        guard var best = elements.first else { return .null }
        for element in elements.dropFirst() {
            guard let order = order(element, best) else { continue }
            if largest ? order > 0 : order < 0 { best = element }
        }
        return best
    }
}
