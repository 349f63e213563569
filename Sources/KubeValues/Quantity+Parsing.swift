extension Quantity {
    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = [
        "Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60,
    ]
    private static let suffixCharacters = Set("eEinumkKMGTP".unicodeScalars)

    /// Parses a quantity as Kubernetes' `resource.ParseQuantity` does.
    ///
    /// Accepts an optional sign, decimal digits with an optional fraction, and a suffix: a decimal SI
    /// prefix (`m`, `k`, `M`, ...), a binary SI prefix (`Ki`, `Mi`, ...) or an exponent (`e3`, `E-2`).
    /// As in Kubernetes, the value is rounded up to nano precision and capped at 2^63 − 1.
    /// - Throws: ``QuantityParseError``.
    public init(parsing text: String) throws(QuantityParseError) {
        if text.isEmpty { throw QuantityParseError(kind: .format, input: text) }
        if text == "0" {
            self.init(mantissa: 0, exponent: 0, format: .decimalSI, cachedText: text)
            return
        }
        let parts = try Self.split(text)
        let base: Int
        let suffixExponent: Int
        var format: Format
        if let exponent = Self.decimalSuffixes[parts.suffix] {
            (base, suffixExponent, format) = (10, exponent, .decimalSI)
        } else if let exponent = Self.binarySuffixes[parts.suffix] {
            (base, suffixExponent, format) = (2, exponent, .binarySI)
        } else if parts.suffix.count > 1, parts.suffix.first == "e" || parts.suffix.first == "E",
            let parsed = Int64(parts.suffix.dropFirst())
        {
            // Kubernetes keeps the exponent as an int32 (wrapping), so do the same.
            (base, suffixExponent, format) = (10, Int(Int32(truncatingIfNeeded: parsed)), .decimalExponent)
        } else {
            throw QuantityParseError(kind: .suffix, input: text)
        }

        // The fast path of Kubernetes (an int64 amount with a decimal scale), which decides the scale a
        // later division uses and whether the original text is kept for printing.
        var precision = -1
        var scale = 0
        var multiplier: Int64 = 1
        switch format {
        case .decimalExponent, .decimalSI:
            scale = suffixExponent
            precision = 18 - (parts.numerator.count + parts.denominator.count)
        case .binarySI:
            if suffixExponent >= 0, parts.denominator.isEmpty {
                multiplier = 1 << Int64(suffixExponent)
                precision =
                    15 - parts.numerator.count - Int(Float(suffixExponent) * 3 / 10) - 1
            }
        }
        if precision >= 0 {
            scale -= parts.denominator.count
            if scale >= -9 {
                let shifted = parts.numerator + parts.denominator
                guard let value = Int64(shifted) else { throw QuantityParseError(kind: .numeric, input: text) }
                let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
                if !overflow {
                    let result = parts.positive ? product : -product
                    var cached: String?
                    switch format {
                    case .binarySI:
                        if suffixExponent % 10 == 0, value & 0x07 != 0 { cached = text }
                    default:
                        if scale % 3 == 0, !shifted.hasSuffix("000"), shifted.first != "0" { cached = text }
                    }
                    self.init(mantissa: Int128(result), exponent: scale, format: format, cachedText: cached)
                    return
                }
            }
        }

        // The general path: exact decimal arithmetic, rounded up to nano precision, then capped.
        let magnitude = Self.roundedNanos(
            digits: parts.numerator + parts.denominator,
            decimalExponent: (base == 10 ? suffixExponent : 0)
                - parts.denominator.count, binaryExponent: base == 2 ? suffixExponent : 0)
        var mantissa: Int128
        var exponent: Int
        if let magnitude, magnitude <= UInt128(Self.maximumMagnitude) * 1_000_000_000 {
            mantissa = Int128(magnitude)
            exponent = magnitude == 0 ? (base == 10 ? suffixExponent : 0) - parts.denominator.count : -9
        } else {
            mantissa = Self.maximumMagnitude
            exponent = 0
        }
        if format == .binarySI, mantissa != 0, exponent == -9, mantissa < 1_000_000_000 {
            format = .decimalSI
        }
        if !parts.positive { mantissa = -mantissa }
        self.init(mantissa: mantissa, exponent: exponent, format: format, isDecimal: true)
    }

    /// The magnitude `digits × 10^decimalExponent × 2^binaryExponent` in nano units, rounded up;
    /// nil when it is far beyond the cap.
    private static func roundedNanos(digits: String, decimalExponent: Int, binaryExponent: Int) -> UInt128? {
        var significant = Array(digits.unicodeScalars.compactMap(\.digitValue).drop { $0 == 0 })
        if significant.isEmpty { return 0 }
        var decimalExponent = decimalExponent
        var sticky = false
        // Digits past the 100th cannot change a 29-digit result except through the round-up.
        if significant.count > 100 {
            sticky = significant[100...].contains { $0 != 0 }
            decimalExponent += significant.count - 100
            significant.removeLast(significant.count - 100)
        }
        let magnitude = Double(significant.count - 1 + decimalExponent) + Double(binaryExponent) * 0.30103
        if magnitude > 20 { return nil }
        if magnitude < -11 { return 1 }
        var value = BigMagnitude(decimalDigits: significant)
        for _ in 0..<binaryExponent { value.multiply(by: 2) }
        let shift = decimalExponent + 9
        if shift >= 0 {
            for _ in 0..<shift { value.multiply(by: 10) }
        } else {
            for _ in 0..<(-shift) where value.divide(by: 10) != 0 { sticky = true }
        }
        guard var result = value.uint128 else { return nil }
        if sticky { result += 1 }
        return result
    }

    private struct Parts {
        var positive = true
        var numerator = ""
        var denominator = ""
        var suffix = ""
    }

    /// Splits the text as Kubernetes' `parseQuantityString` does.
    private static func split(_ text: String) throws(QuantityParseError) -> Parts {
        let scalars = Array(text.unicodeScalars)
        var parts = Parts()
        var position = 0
        let end = scalars.count
        func string(_ range: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return String(view)
        }
        if position < end {
            if scalars[0] == "-" {
                parts.positive = false
                position += 1
            } else if scalars[0] == "+" {
                position += 1
            }
        }
        while position < end, scalars[position] == "0" { position += 1 }
        if position >= end {
            parts.numerator = "0"
            return parts
        }
        let numeratorStart = position
        while position < end, scalars[position].digitValue != nil { position += 1 }
        parts.numerator = string(numeratorStart..<position)
        if parts.numerator.isEmpty { parts.numerator = "0" }
        if position >= end { return parts }
        if scalars[position] == "." {
            position += 1
            let denominatorStart = position
            while position < end, scalars[position].digitValue != nil { position += 1 }
            parts.denominator = string(denominatorStart..<position)
            if position >= end { return parts }
        }
        let suffixStart = position
        while position < end, suffixCharacters.contains(scalars[position]) { position += 1 }
        if position < end, scalars[position] == "-" || scalars[position] == "+" { position += 1 }
        while position < end, scalars[position].digitValue != nil { position += 1 }
        if position < end { throw QuantityParseError(kind: .format, input: text) }
        parts.suffix = string(suffixStart..<end)
        return parts
    }
}
