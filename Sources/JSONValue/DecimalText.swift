/// The text of a syntactically valid JSON number, converted to a correctly rounded `Double` by the C
/// library (through `Double(String)`), after normalizing it to at most ``maximumSignificantDigits``
/// significant digits and a bounded exponent so that the conversion stays fast on pathological input
/// (a megabyte of digits, an exponent with thousands of digits).
struct DecimalText {
    /// More significant digits than any double needs to decide its rounding (767 plus margin).
    static let maximumSignificantDigits = 800

    let bytes: UnsafeBufferPointer<UInt8>

    /// The correctly rounded double (possibly infinite), or `nil` if the text is not a number.
    func doubleValue() -> Double? {
        if bytes.count <= 64 {
            return Double(String(decoding: bytes, as: UTF8.self))
        }
        return Double(normalized())
    }

    /// The same value as `[-]digits e exponent` with bounded digits and exponent.
    func normalized() -> String {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(Self.maximumSignificantDigits + 1)
        var decimalExponent = 0
        var droppedNonzero = false
        var inFraction = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
                index += 1
                continue
            }
            guard byte &- UInt8(ascii: "0") < 10 else { break }
            index += 1
            if digits.isEmpty && byte == UInt8(ascii: "0") {
                if inFraction { decimalExponent -= 1 }
                continue
            }
            if digits.count < Self.maximumSignificantDigits {
                digits.append(byte)
                if inFraction { decimalExponent -= 1 }
            } else {
                if byte != UInt8(ascii: "0") { droppedNonzero = true }
                if !inFraction { decimalExponent += 1 }
            }
        }
        if droppedNonzero {
            digits.append(UInt8(ascii: "1"))
            decimalExponent -= 1
        }
        var written = 0
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                if written < 100_000_000 { written = written * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            if exponentNegative { written = -written }
        }
        if digits.isEmpty { return negative ? "-0" : "0" }
        let exponent = max(-1_000_000_000, min(1_000_000_000, decimalExponent + written))
        let mantissa = String(decoding: digits, as: UTF8.self)
        return (negative ? "-" : "") + mantissa + "e" + String(exponent)
    }
}
