import JSONValue

/// How Go prints values where Kyverno turns them into text (`fmt.Sprint`, `%f`, `strconv.FormatFloat`).
enum GoFormat {
    /// `fmt.Sprint(v)` / `%v` for a JSON value: integers in decimal, floats in Go's shortest `%v` form,
    /// booleans, strings as they are; arrays `[a b]`, objects `map[k:v]` with sorted keys.
    static func sprint(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return GoFloatFormat.goV(number)
        case .string(let text): return text
        case .array(let elements): return "[" + elements.map(sprint).joined(separator: " ") + "]"
        case .object(let object):
            let pairs = object.keys.sorted().map { "\($0):\(sprint(object[$0] ?? .null))" }
            return "map[" + pairs.joined(separator: " ") + "]"
        }
    }

    /// `fmt.Sprintf("%f", v)`: six decimals.
    static func fixed6(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        let scaled = (abs(value) * 1_000_000).rounded()
        let negative = value < 0 && scaled != 0
        let integer = scaled / 1_000_000
        let whole = integer.rounded(.down)
        let fraction = Int(scaled - whole * 1_000_000)
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: max(0, 6 - fractionText.count)) + fractionText
        let wholeText = whole < 9e18 ? String(Int(whole)) : String(whole)
        return (negative ? "-" : "") + wholeText + "." + fractionText
    }

    /// Go's `%T` for the type a JSON value decodes to in Kyverno (`map[string]interface {}`, `float64`...).
    static func typeName(_ value: JSONValue, numbersAsFloat: Bool = false) -> String {
        switch value {
        case .null: "<nil>"
        case .bool: "bool"
        case .int: numbersAsFloat ? "float64" : "int64"
        case .double: "float64"
        case .string: "string"
        case .array: "[]interface {}"
        case .object: "map[string]interface {}"
        }
    }

    /// `%v` of a pattern value: patterns are decoded by Go's JSON decoder, so their numbers are float64.
    static func sprintPattern(_ value: JSONValue) -> String {
        if case .int(let number) = value { return GoFloatFormat.goV(Double(number)) }
        return sprint(value)
    }
}
