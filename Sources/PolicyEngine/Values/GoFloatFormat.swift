/// Go's float-to-text conversions that Kyverno's results depend on.
enum GoFloatFormat {
    /// The shortest decimal digits of `value` (no leading or trailing zeros) and the position of the
    /// decimal point relative to them: `12.5` → ("125", 2), `0.001` → ("1", -2).
    static func shortestDigits(_ description: String) -> (digits: [Character], point: Int) {
        var text = Substring(description)
        if text.hasPrefix("-") { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var digits: [Character] = []
        var point: Int?
        for character in text {
            if character == "." {
                point = digits.count
            } else {
                digits.append(character)
            }
        }
        var position = (point ?? digits.count) + exponent
        while let first = digits.first, first == "0" {
            digits.removeFirst()
            position -= 1
        }
        while let last = digits.last, last == "0" { digits.removeLast() }
        return (digits, position)
    }

    /// `strconv.FormatFloat(value, 'f', -1, 32)`: the shortest `float32` digits, never an exponent.
    static func float32(_ value: Double) -> String {
        let single = Float(value)
        if single.isNaN { return "NaN" }
        if single.isInfinite { return single < 0 ? "-Inf" : "+Inf" }
        return fixed(single.description, negative: single.sign == .minus)
    }

    /// `fmt.Sprintf("%v", value)` for a `float64`: `%g` with the shortest digits, exponent form when the
    /// decimal exponent is below -4 or at least 6 (`1e+06`).
    static func goV(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (digits, point) = shortestDigits(value.description)
        let sign = value.sign == .minus ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            var text = sign + String(digits[0])
            if digits.count > 1 { text += "." + String(digits[1...]) }
            let magnitude = abs(exponent)
            text += (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return text
        }
        return fixed(value.description, negative: value.sign == .minus)
    }

    /// Digits in plain positional notation.
    private static func fixed(_ description: String, negative: Bool) -> String {
        let (digits, point) = shortestDigits(description)
        let sign = negative ? "-" : ""
        if digits.isEmpty { return sign + "0" }
        if point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + String(digits)
        }
        if point >= digits.count {
            return sign + String(digits) + String(repeating: "0", count: point - digits.count)
        }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}
