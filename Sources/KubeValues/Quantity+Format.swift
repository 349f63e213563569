extension Quantity: CustomStringConvertible {
    private static let decimalSuffixByExponent: [Int: String] = [
        -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E",
    ]
    private static let binarySuffixByExponent: [Int: String] = [
        0: "", 10: "Ki", 20: "Mi", 30: "Gi", 40: "Ti", 50: "Pi", 60: "Ei",
    ]

    /// The canonical text Kubernetes prints (`Quantity.String()`): `1536Mi`, `1500m`, `1e3`, `12301`.
    ///
    /// Binary quantities below 1024 or with a fraction print in decimal SI. As in Kubernetes, an exponent
    /// without a suffix (beyond `E` or below `n`, only reachable through multiplication) prints the bare
    /// mantissa.
    public var description: String {
        if let cachedText { return cachedText }
        if mantissa == 0 { return "0" }
        var format = format
        var integral: Int128?
        if format == .binarySI {
            integral = integralValue
            if let value = integral, value > -1024, value < 1024 {
                format = .decimalSI
            } else if integral == nil {
                format = .decimalSI
            }
        }
        switch format {
        case .decimalSI, .decimalExponent:
            var value = mantissa
            var exponent = exponent
            while value % 10 == 0 {
                value /= 10
                exponent += 1
            }
            var zeros = ""
            while exponent % 3 != 0 {
                zeros += "0"
                exponent -= 1
            }
            let suffix: String
            if format == .decimalSI {
                suffix = Self.decimalSuffixByExponent[exponent] ?? ""
            } else {
                suffix = exponent == 0 ? "" : "e\(exponent)"
            }
            return "\(value)\(zeros)\(suffix)"
        case .binarySI:
            guard var value = integral else { return "0" }
            var times = 0
            while value.magnitude >= 1024, value % 1024 == 0 {
                value /= 1024
                times += 1
            }
            return "\(value)\(Self.binarySuffixByExponent[times * 10] ?? "")"
        }
    }

    /// The value as an exact whole number, or nil when it has a fraction or does not fit.
    private var integralValue: Int128? {
        var value = mantissa
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = product
            }
            return value
        }
        for _ in 0..<(-exponent) {
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 10)
            if remainder != 0 { return nil }
            value = quotient
        }
        return value
    }
}

extension Quantity: Equatable, Hashable, Comparable {
    /// Quantities are equal when their values are equal, whatever their format or written form.
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool {
        compare(lhs, rhs) == 0
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        compare(lhs, rhs) < 0
    }

    public func hash(into hasher: inout Hasher) {
        var value = mantissa
        var exponent = exponent
        if value == 0 {
            exponent = 0
        } else {
            while value % 10 == 0 {
                value /= 10
                exponent += 1
            }
        }
        hasher.combine(value)
        hasher.combine(exponent)
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`.
    static func compare(_ lhs: Quantity, _ rhs: Quantity) -> Int {
        if lhs.sign != rhs.sign { return lhs.sign < rhs.sign ? -1 : 1 }
        if let (left, right, _) = aligned(lhs, rhs) {
            return left == right ? 0 : (left < right ? -1 : 1)
        }
        let left = lhs.approximateDouble
        let right = rhs.approximateDouble
        return left == right ? 0 : (left < right ? -1 : 1)
    }

    /// Both mantissas scaled to the smaller exponent, or nil on overflow.
    static func aligned(_ lhs: Quantity, _ rhs: Quantity) -> (Int128, Int128, exponent: Int)? {
        let exponent = min(lhs.exponent, rhs.exponent)
        guard let left = scaled(lhs.mantissa, by: lhs.exponent - exponent),
            let right = scaled(rhs.mantissa, by: rhs.exponent - exponent)
        else { return nil }
        return (left, right, exponent)
    }

    /// `value × 10^power` (power ≥ 0), or nil on overflow.
    static func scaled(_ value: Int128, by power: Int) -> Int128? {
        if value == 0 { return 0 }
        var result = value
        for _ in 0..<power {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }
}
