/// A quantity operation whose exact result does not fit Vigil's 128-bit decimal (Kubernetes would use an
/// unbounded decimal; such values are far beyond any real resource amount).
public struct QuantityOverflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var description: String { "quantity \(operation) overflows" }
}

extension Quantity {
    /// The exact sum, as Kubernetes' `Quantity.Add`: the format stays this one's unless this is zero; two
    /// 64-bit amounts add at the finer scale (a zero operand leaves the other as it is) and the result
    /// becomes a decimal when it leaves 64 bits.
    /// - Throws: ``QuantityOverflowError`` when the result does not fit.
    public func adding(_ other: Quantity) throws(QuantityOverflowError) -> Quantity {
        try combined(with: other, negatingOther: false, operation: "addition")
    }

    /// The exact difference, as Kubernetes' `Quantity.Sub`.
    /// - Throws: ``QuantityOverflowError`` when the result does not fit.
    public func subtracting(_ other: Quantity) throws(QuantityOverflowError) -> Quantity {
        try combined(with: other, negatingOther: true, operation: "subtraction")
    }

    private func combined(
        with other: Quantity, negatingOther: Bool, operation: String
    ) throws(QuantityOverflowError) -> Quantity {
        let resultFormat = isZero ? other.format : format
        let otherMantissa = negatingOther ? -other.mantissa : other.mantissa
        if !isDecimal, !other.isDecimal {
            // Kubernetes' int64Amount.Add: a zero operand leaves the other amount and its scale unchanged.
            if other.mantissa == 0 { return Quantity(mantissa: mantissa, exponent: exponent, format: resultFormat) }
            if mantissa == 0, Int64(exactly: otherMantissa) != nil {
                return Quantity(mantissa: otherMantissa, exponent: other.exponent, format: resultFormat)
            }
        }
        guard let (left, right, exponent) = Self.aligned(self, other) else {
            throw QuantityOverflowError(operation: operation)
        }
        let (result, overflow) =
            negatingOther ? left.subtractingReportingOverflow(right) : left.addingReportingOverflow(right)
        if overflow { throw QuantityOverflowError(operation: operation) }
        let fits =
            Int64(exactly: left) != nil && Int64(exactly: right) != nil && Int64(exactly: result) != nil
            && Int64(exactly: otherMantissa) != nil
        return Quantity(
            mantissa: result, exponent: exponent, format: resultFormat,
            isDecimal: isDecimal || other.isDecimal || !fits)
    }

    /// The exact product, in this quantity's format.
    /// - Throws: ``QuantityOverflowError`` when the result does not fit.
    public func multiplied(by other: Quantity) throws(QuantityOverflowError) -> Quantity {
        let left = normalized
        let right = other.normalized
        let (product, overflow) = left.mantissa.multipliedReportingOverflow(by: right.mantissa)
        if overflow { throw QuantityOverflowError(operation: "multiplication") }
        return Quantity(mantissa: product, exponent: left.exponent + right.exponent, format: format)
    }

    /// The quotient truncated toward zero at the finer of the two decimal scales, as Kyverno's `divide`
    /// computes `quantity / number` (`inf.Dec.QuoRound(…, RoundDown)`): `12Ki / 5` is `2457`.
    /// - Throws: ``QuantityOverflowError`` when the divisor is zero or the result does not fit.
    public func dividedRoundingDown(by divisor: Quantity) throws(QuantityOverflowError) -> Quantity {
        if divisor.isZero { throw QuantityOverflowError(operation: "division by zero") }
        // result = trunc(m1 × 10^(e1 − e2 + scale) / m2) × 10^(−scale), scale = max(−e1, −e2)
        let scale = max(-exponent, -divisor.exponent)
        let power = exponent - divisor.exponent + scale
        var numerator = mantissa
        var denominator = divisor.mantissa
        if power >= 0 {
            guard let scaled = Self.scaled(numerator, by: power) else {
                throw QuantityOverflowError(operation: "division")
            }
            numerator = scaled
        } else {
            guard let scaled = Self.scaled(denominator, by: -power) else {
                return Quantity(mantissa: 0, exponent: -scale, format: format)
            }
            denominator = scaled
        }
        return Quantity(mantissa: numerator / denominator, exponent: -scale, format: format)
    }

    /// The same value with trailing decimal zeros moved into the exponent.
    var normalized: Quantity {
        var copy = self
        copy.cachedText = nil
        if copy.mantissa == 0 { return copy }
        while copy.mantissa % 10 == 0 {
            copy.mantissa /= 10
            copy.exponent += 1
        }
        return copy
    }
}
