/// A Go `time.Duration`: a signed count of nanoseconds in 64 bits, parsed and printed exactly as Go does.
///
/// Kyverno's arithmetic and time functions accept and produce Go duration strings (`1h30m`, `300ms`,
/// `-2m`, `1.5h`); this type reproduces `time.ParseDuration` and `Duration.String()` byte for byte so that
/// results match Kyverno's. Arithmetic wraps on overflow as Go's does (no trap).
public struct GoDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The duration in nanoseconds.
    public var nanoseconds: Int64

    public static let nanosecond: Int64 = 1
    public static let microsecond: Int64 = 1000
    public static let millisecond: Int64 = 1_000_000
    public static let second: Int64 = 1_000_000_000
    public static let minute: Int64 = 60 * second
    public static let hour: Int64 = 60 * minute

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: GoDuration, rhs: GoDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The duration in seconds as Go's `Duration.Seconds()` computes it (whole seconds plus the fraction).
    public var seconds: Double {
        let whole = nanoseconds / Self.second
        let fraction = nanoseconds % Self.second
        return Double(whole) + Double(fraction) / 1e9
    }
}

/// The error `time.ParseDuration` reports, with Go's message text.
public struct GoDurationParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var input: String
    /// Go's message, for example `time: invalid duration "x"`.
    public var message: String

    public var description: String { message }

    public init(input: String, message: String) {
        self.input = input
        self.message = message
    }
}

extension GoDuration {
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Parses a Go duration string such as `300ms`, `-1.5h` or `2h45m`.
    ///
    /// Valid units are `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`; `0` alone needs no unit.
    /// - Throws: ``GoDurationParseError`` with Go's message (`time: invalid duration "…"`,
    ///   `time: missing unit in duration "…"`, `time: unknown unit "…" in duration "…"`).
    public init(parsing text: String) throws(GoDurationParseError) {
        let original = text
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func invalid() -> GoDurationParseError {
            GoDurationParseError(input: original, message: "time: invalid duration \"\(original)\"")
        }
        var total: UInt64 = 0
        var negative = false
        if index < scalars.count, scalars[index] == "-" || scalars[index] == "+" {
            negative = scalars[index] == "-"
            index += 1
        }
        if scalars.count - index == 1, scalars[index] == "0" {
            self.init(nanoseconds: 0)
            return
        }
        if index == scalars.count { throw invalid() }
        let overflowLimit: UInt64 = 1 << 63
        while index < scalars.count {
            // The next character must be [0-9.].
            guard scalars[index] == "." || ("0"..."9").contains(scalars[index]) else { throw invalid() }
            // Integer part.
            var value: UInt64 = 0
            let integerStart = index
            while index < scalars.count, let digit = scalars[index].digitValue {
                if value > overflowLimit / 10 { throw invalid() }
                value = value * 10 + UInt64(digit)
                if value > overflowLimit { throw invalid() }
                index += 1
            }
            let hasInteger = index != integerStart
            // Fraction.
            var fraction: UInt64 = 0
            var scale: Double = 1
            var hasFraction = false
            if index < scalars.count, scalars[index] == "." {
                index += 1
                let fractionStart = index
                var overflowed = false
                while index < scalars.count, let digit = scalars[index].digitValue {
                    if !overflowed {
                        if fraction > (overflowLimit - 1) / 10 {
                            overflowed = true
                        } else {
                            let next = fraction * 10 + UInt64(digit)
                            if next > overflowLimit {
                                overflowed = true
                            } else {
                                fraction = next
                                scale *= 10
                            }
                        }
                    }
                    index += 1
                }
                hasFraction = index != fractionStart
            }
            guard hasInteger || hasFraction else { throw invalid() }
            // Unit.
            let unitStart = index
            while index < scalars.count, scalars[index] != ".", scalars[index].digitValue == nil {
                index += 1
            }
            if unitStart == index {
                throw GoDurationParseError(
                    input: original, message: "time: missing unit in duration \"\(original)\"")
            }
            var unitText = String.UnicodeScalarView()
            unitText.append(contentsOf: scalars[unitStart..<index])
            let unitName = String(unitText)
            guard let unit = Self.units[unitName] else {
                throw GoDurationParseError(
                    input: original, message: "time: unknown unit \"\(unitName)\" in duration \"\(original)\"")
            }
            if value > overflowLimit / unit { throw invalid() }
            value *= unit
            if fraction > 0 {
                let extra = Double(fraction) * (Double(unit) / scale)
                guard extra < 1.8e19, let addition = UInt64(exactly: extra.rounded(.towardZero)) else {
                    throw invalid()
                }
                value &+= addition
                if value > overflowLimit { throw invalid() }
            }
            total &+= value
            if total > overflowLimit { throw invalid() }
        }
        if negative {
            self.init(nanoseconds: Int64(truncatingIfNeeded: 0 &- total))
            return
        }
        if total > overflowLimit - 1 { throw invalid() }
        self.init(nanoseconds: Int64(total))
    }

    /// Go's `Duration.String()`: `72h3m0.5s`, `1.5ms`, `0s`, with `µ` for microseconds.
    public var description: String {
        var magnitude = nanoseconds.magnitude
        if magnitude == 0 { return "0s" }
        var text: String
        if magnitude < UInt64(Self.second) {
            let unit: String
            let precision: Int
            switch magnitude {
            case ..<UInt64(Self.microsecond):
                unit = "ns"
                precision = 0
            case ..<UInt64(Self.millisecond):
                unit = "µs"
                precision = 3
            default:
                unit = "ms"
                precision = 6
            }
            let (fraction, whole) = Self.formatFraction(magnitude, precision: precision)
            text = String(whole) + fraction + unit
        } else {
            let (fraction, wholeSeconds) = Self.formatFraction(magnitude, precision: 9)
            magnitude = wholeSeconds
            text = String(magnitude % 60) + fraction + "s"
            magnitude /= 60
            if magnitude > 0 {
                text = String(magnitude % 60) + "m" + text
                magnitude /= 60
                if magnitude > 0 {
                    text = String(magnitude) + "h" + text
                }
            }
        }
        return nanoseconds < 0 ? "-" + text : text
    }

    /// Splits `value` into the fraction of `value / 10^precision` (".25", trailing zeros and the point
    /// dropped when zero) and the integer part.
    private static func formatFraction(_ value: UInt64, precision: Int) -> (String, UInt64) {
        var value = value
        var digits: [Character] = []
        var printing = false
        for _ in 0..<precision {
            let digit = value % 10
            printing = printing || digit != 0
            if printing { digits.append(Character(String(digit))) }
            value /= 10
        }
        if digits.isEmpty { return ("", value) }
        return ("." + String(digits.reversed()), value)
    }
}

extension Unicode.Scalar {
    /// The value of an ASCII decimal digit, or nil.
    var digitValue: Int? {
        guard value >= 48, value <= 57 else { return nil }
        return Int(value - 48)
    }
}
