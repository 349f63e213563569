/// Go's number parsing and formatting where Kyverno depends on them.
enum GoNumber {
    /// `strconv.ParseFloat(s, 64)` for the forms that matter here (decimal, exponent, inf/nan, `_`-free).
    static func parseFloat(_ text: String) -> Double? {
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        let lowered = text.lowercased()
        switch lowered {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard lowered.allSatisfy({ $0.isASCIIDigit || "+-.e".contains($0) }) else { return nil }
        return Double(text)
    }

    /// `strconv.ParseInt(s, 10, 64)`.
    static func parseInt(_ text: String) -> Int? {
        Int(text)
    }

    /// `strconv.FormatFloat(v, 'E', -1, 64)`: shortest digits in exponent form, e.g. `1.5E+00`.
    static func formatE(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if value == 0 { return value.sign == .minus ? "-0E+00" : "0E+00" }
        let (digits, point) = GoFloatFormat.shortestDigits(String(abs(value)))
        var text = value < 0 ? "-" : ""
        text.append(digits[0])
        if digits.count > 1 { text += "." + String(digits[1...]) }
        let exponent = point - 1
        let magnitude = abs(exponent)
        text += "E" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        return text
    }
}
