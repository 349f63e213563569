/// A Kubernetes `resource.Quantity` (`100Mi`, `1.5Gi`, `250m`, `1e3`, `1k`) with exact decimal value.
///
/// Parsing, rounding and printing follow `k8s.io/apimachinery/pkg/api/resource` exactly, because Kyverno
/// exposes them through its arithmetic functions and pattern comparisons:
/// - the value is kept as `mantissa × 10^exponent`; parsed values are rounded *up* (away from zero) to
///   nano precision and capped at ±(2^63 − 1), as `ParseQuantity` does;
/// - the ``format`` (decimal SI, binary SI or decimal exponent) comes from the suffix and decides how
///   ``description`` prints the value (`1536Mi`, `1500m`, `1e3`), using Kubernetes' canonical form;
/// - a parsed string that is already canonical prints back unchanged, as Kubernetes caches it.
///
/// Written by hand: no Swift library implements Kubernetes quantities.
public struct Quantity: Sendable {
    /// How a quantity prints, chosen by the suffix it was written with.
    public enum Format: String, Sendable, Hashable {
        /// `e3`, `E-6`: powers of ten written as exponents.
        case decimalExponent = "DecimalExponent"
        /// `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`: powers of two.
        case binarySI = "BinarySI"
        /// `n`, `u`, `m`, (none), `k`, `M`, `G`, `T`, `P`, `E`: powers of ten.
        case decimalSI = "DecimalSI"
    }

    /// The value is `mantissa × 10^exponent`. `exponent` mirrors the decimal scale Kubernetes keeps, which
    /// decides the precision of a division (see ``dividedRoundingDown(by:)``).
    var mantissa: Int128
    var exponent: Int
    public var format: Format
    /// The text the quantity was parsed from, when Kubernetes would print it back unchanged.
    var cachedText: String?
    /// Whether Kubernetes would hold this value as an arbitrary-precision decimal (`inf.Dec`) rather than
    /// its fast `int64` amount with a decimal scale: parsed on the slow path, or the result of arithmetic
    /// that left 64 bits. Such a quantity is never ``kubernetesInteger`` (as `AsInt64` fails on it).
    var isDecimal: Bool

    init(mantissa: Int128, exponent: Int, format: Format, cachedText: String? = nil, isDecimal: Bool = false) {
        self.mantissa = mantissa
        self.exponent = exponent
        self.format = format
        self.cachedText = cachedText
        self.isDecimal = isDecimal
    }

    /// A whole number in the given format, like Kubernetes' `NewQuantity`.
    public init(integer: Int64, format: Format = .decimalSI) {
        self.init(mantissa: Int128(integer), exponent: 0, format: format)
    }

    public var isZero: Bool { mantissa == 0 }

    /// -1, 0 or 1.
    public var sign: Int { mantissa == 0 ? 0 : (mantissa < 0 ? -1 : 1) }

    /// The value as a `Double`, computed as Kubernetes' `AsApproximateFloat64` does
    /// (`Double(mantissa) × 10^exponent`).
    public var approximateDouble: Double {
        let base = Double(mantissa)
        if exponent == 0 { return base }
        return base * Self.powerOfTen(exponent)
    }

    /// The value rounded up (away from zero) to a whole number, when it fits in 64 bits.
    public var integerValue: Int64? {
        var value = mantissa
        var exponent = exponent
        while exponent < 0 {
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 10)
            value = quotient + (remainder == 0 ? 0 : (remainder > 0 ? 1 : -1))
            exponent += 1
        }
        while exponent > 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
            exponent -= 1
        }
        return Int64(exactly: value)
    }

    /// The value as Kubernetes' `Quantity.AsInt64` gives it: only for a 64-bit amount whose decimal scale is
    /// not negative and whose value fits (`1k`, `1e3`, `2Gi`), nil otherwise (`1m`, `1.0`, `1.5Gi`, and any
    /// value held as an arbitrary-precision decimal). CEL's `isInteger` and `asInteger` use it.
    public var kubernetesInteger: Int64? {
        if isDecimal || exponent < 0 { return nil }
        guard var value = Int64(exactly: mantissa) else { return nil }
        for _ in 0..<exponent {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = product
        }
        return value
    }

    /// 10^exponent as a correctly rounded `Double` (like Go's `math.Pow10`).
    package static func powerOfTen(_ exponent: Int) -> Double {
        if exponent > 308 { return .infinity }
        if exponent < -323 { return 0 }
        return Double("1e\(exponent)") ?? 0
    }

    /// The largest magnitude Kubernetes allows: 2^63 − 1.
    static let maximumMagnitude = Int128(Int64.max)
}

/// Why a string is not a quantity, with Kubernetes' message.
public struct QuantityParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text does not have the shape `<number><suffix>`.
        case format
        /// The suffix is not a known one.
        case suffix
        /// The number could not be read.
        case numeric
    }

    public var kind: Kind
    public var input: String

    public var description: String {
        switch kind {
        case .format:
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        case .suffix: "unable to parse quantity's suffix"
        case .numeric: "unable to parse numeric part of quantity"
        }
    }
}
