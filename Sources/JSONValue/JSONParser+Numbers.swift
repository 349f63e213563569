extension JSONParser {
    /// Parses a number at the position: an exact `Int` when it has no fraction or exponent, otherwise the
    /// correctly rounded `Double`.
    ///
    /// Doubles with at most 19 significant digits, a mantissa below 2^53 and a decimal exponent within
    /// ±22 are computed exactly from one multiplication or division (both operands are exact, so IEEE
    /// rounding of the one operation is the correct rounding); everything else goes through the C
    /// library's correctly rounded `strtod`.
    /// - Throws: on malformed numbers, integers outside 64 bits and doubles outside the finite range.
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count, isDigit(base[position]) else {
            if position < count {
                throw error("unexpected \(describe(base[position])), expected a digit in a number")
            }
            throw error("unexpected end of input, expected a digit in a number")
        }
        var mantissa: UInt64 = 0
        var mantissaOverflow = false
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, isDigit(base[position]) {
                throw error("a number must not have a leading zero", at: position - 1)
            }
        } else {
            while position < count {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                accumulate(digit, into: &mantissa, overflow: &mantissaOverflow)
                position += 1
            }
        }
        let integerEnd = position
        var exponent = 0
        if position < count, base[position] == UInt8(ascii: ".") {
            position += 1
            guard position < count, isDigit(base[position]) else {
                throw error("expected a digit after the decimal point")
            }
            while position < count {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if !mantissaOverflow {
                    accumulate(digit, into: &mantissa, overflow: &mantissaOverflow)
                    if !mantissaOverflow { exponent -= 1 }
                }
                position += 1
            }
        }
        if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            var exponentNegative = false
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                exponentNegative = base[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < count, isDigit(base[position]) else {
                throw error("expected a digit in the exponent")
            }
            var written = 0
            while position < count {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // Saturate: anything this large is far outside the range of a double anyway.
                if written < 1_000_000 { written = written * 10 + Int(digit) }
                position += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if position == integerEnd {
            return .int(try integer(mantissa, negative: negative, overflow: mantissaOverflow, start: start))
        }
        if !mantissaOverflow, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 {
                value *= Self.powerOfTen(exponent)
            } else {
                value /= Self.powerOfTen(-exponent)
            }
            return .double(negative ? -value : value)
        }
        return .double(try slowDouble(start: start))
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    func accumulate(_ digit: UInt8, into mantissa: inout UInt64, overflow: inout Bool) {
        let (multiplied, overflow1) = mantissa.multipliedReportingOverflow(by: 10)
        let (added, overflow2) = multiplied.addingReportingOverflow(UInt64(digit))
        if overflow1 || overflow2 {
            overflow = true
        } else {
            mantissa = added
        }
    }

    /// The exact integer for a magnitude and sign, or an error when it is outside `Int`'s range.
    func integer(_ magnitude: UInt64, negative: Bool, overflow: Bool, start: Int) throws(JSONParseError) -> Int {
        if !overflow {
            if negative {
                if magnitude <= UInt64(Int.max) + 1 { return Int(truncatingIfNeeded: 0 &- magnitude) }
            } else if magnitude <= UInt64(Int.max) {
                return Int(magnitude)
            }
        }
        throw error(
            "integer does not fit in 64 bits (the range is \(Int.min) to \(Int.max)); write it as a string",
            at: start)
    }

    /// Exact powers of ten 10^0 ... 10^22 (all exactly representable as doubles).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        withUnsafePointer(to: exactPowersOfTen) { tuple in
            UnsafeRawPointer(tuple).assumingMemoryBound(to: Double.self)[exponent]
        }
    }

    static let exactPowersOfTen:
        (
            Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double,
            Double, Double, Double, Double, Double, Double, Double, Double, Double, Double, Double
        ) = (
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
            1e18, 1e19, 1e20, 1e21, 1e22
        )

    /// Parses the already validated number text from `start` to the position with correct rounding.
    ///
    /// Numbers with very many digits are shortened first: keeping 800 significant digits and replacing
    /// the dropped ones by one nonzero digit preserves the rounding (no double is decided past the
    /// 768th significant digit), and keeps `strtod` fast on megabyte-long numbers.
    func slowDouble(start: Int) throws(JSONParseError) -> Double {
        let text = DecimalText(bytes: UnsafeBufferPointer(start: base + start, count: position - start))
        guard let value = text.doubleValue(), value.isFinite else {
            throw error("number is outside the range of a 64-bit float", at: start)
        }
        return value
    }
}
