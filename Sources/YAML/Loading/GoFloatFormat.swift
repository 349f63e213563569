/// Go's `strconv.FormatFloat(value, 'g', -1, 32)`, which sigs.k8s.io/yaml uses to turn a float mapping
/// key into a JSON key: the value is rounded to `Float`, written with the fewest digits that read back
/// as that `Float`, in `%e` form when the decimal exponent is below -4 or at least 6 (`1e+06`,
/// `1.5e-05`), else in `%f` form (`0.1`, `123456`). Infinities and NaN become `.inf`, `-.inf`, `.nan`.
enum GoFloatFormat {
    static func formatFloat32Key(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value > 0 ? ".inf" : "-.inf" }
        let single = Float(value)
        if single.isInfinite { return single > 0 ? ".inf" : "-.inf" }
        if single == 0 { return single.sign == .minus ? "-0" : "0" }

        // Swift's description is the shortest round-trip text, e.g. "1.5", "1e+10", "1.234567e-05".
        var text = Substring(single.magnitude.description)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: marker)...]) ?? 0
            text = text[..<marker]
        }
        var digits = ""
        var pointPosition = text.count
        if let dot = text.firstIndex(of: ".") {
            pointPosition = text.distance(from: text.startIndex, to: dot)
        }
        for character in text where character != "." { digits.append(character) }
        // Normalise to significant digits with `decimalPoint` = digits before the point.
        var decimalPoint = pointPosition + exponent
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }

        let sign = single < 0 ? "-" : ""
        let decimalExponent = decimalPoint - 1
        if decimalExponent < -4 || decimalExponent >= 6 {
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let magnitude = abs(decimalExponent)
            let exponentText = magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
            return "\(sign)\(mantissa)e\(decimalExponent < 0 ? "-" : "+")\(exponentText)"
        }
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
        }
        if decimalPoint >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalPoint - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
        return sign + digits[..<split] + "." + digits[split...]
    }
}
