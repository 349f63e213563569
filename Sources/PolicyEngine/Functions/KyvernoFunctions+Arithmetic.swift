import JMESPath
import JSONValue
import KubeValues

/// Arithmetic on numbers, Kubernetes quantities and Go durations: `add`, `sum`, `subtract`, `multiply`,
/// `divide`, `modulo`, `round` (Kyverno's `arithmetic.go`).
///
/// A string operand is a quantity when it parses as one (so `'10'` and `'5m'` are quantities, `5m` being
/// five milli-units), otherwise a duration (`'1h'`, `'1m30s'`); anything else is `invalid operand`.
/// Allowed combinations:
/// - `+`, `-`: number±number → number, quantity±quantity → quantity, duration±duration → duration;
/// - `*`: number×number, quantity×number → quantity, duration×number → duration (either order);
/// - `/`: number/number, quantity/quantity → number, quantity/number → quantity (truncated at the finer
///   decimal scale), duration/duration → number, duration/number → duration;
/// - `%`: whole numbers, whole quantities (→ quantity), durations.
/// Other mixes fail with `Types mismatch`. Duration overflow wraps and out-of-range float conversions
/// give the minimum duration, as Go does on amd64 (no trap).
extension KyvernoFunctions {
    static var arithmeticFunctions: [JMESPathFunction] {
        [
            function(
                "add", [.init(.any), .init(.any)], returns: .any,
                "does arithmetic addition of two specified values of numbers, quantities, and durations"
            ) {
                arguments throws(JMESPathError) in
                try Arithmetic.add(
                    Arithmetic.operand(arguments, 0), Arithmetic.operand(arguments, 1), function: "add")
            },
            function(
                "sum", [.init(.array)], returns: .any,
                "does arithmetic addition of specified array of values of numbers, quantities, and durations"
            ) {
                arguments throws(JMESPathError) in
                guard case .array(let items) = try arguments.value(0) else {
                    throw KyvernoFunctionError.typesMismatch("sum")
                }
                guard var result = items.first else {
                    throw KyvernoFunctionError.generic("sum", "at least one element in the array is required")
                }
                for item in items.dropFirst() {
                    let pair = KyvernoArguments(function: "sum", arguments: [.value(result), .value(item)])
                    result = try Arithmetic.add(
                        Arithmetic.operand(pair, 0), Arithmetic.operand(pair, 1), function: "sum")
                }
                return result
            },
            function(
                "subtract", [.init(.any), .init(.any)], returns: .any,
                "does arithmetic subtraction of two specified values of numbers, quantities, and durations"
            ) {
                arguments throws(JMESPathError) in
                try Arithmetic.subtract(Arithmetic.operand(arguments, 0), Arithmetic.operand(arguments, 1))
            },
            function(
                "multiply", [.init(.any), .init(.any)], returns: .any,
                "does arithmetic multiplication of two specified values of numbers, quantities, and durations"
            ) {
                arguments throws(JMESPathError) in
                try Arithmetic.multiply(Arithmetic.operand(arguments, 0), Arithmetic.operand(arguments, 1))
            },
            function("divide", [.init(.any), .init(.any)], returns: .any, "divisor must be non zero") {
                arguments throws(JMESPathError) in
                try Arithmetic.divide(Arithmetic.operand(arguments, 0), Arithmetic.operand(arguments, 1))
            },
            function(
                "modulo", [.init(.any), .init(.any)], returns: .any,
                "divisor must be non-zero, arguments must be integers"
            ) { arguments throws(JMESPathError) in
                try Arithmetic.modulo(Arithmetic.operand(arguments, 0), Arithmetic.operand(arguments, 1))
            },
            function(
                "round", [.init(.number), .init(.number)], returns: .number,
                "does roundoff to upto the given decimal places"
            ) { arguments throws(JMESPathError) in
                let value = try arguments.number(0)
                let digitsValue = try arguments.number(1)
                guard let digits = Int(exactly: digitsValue) else {
                    throw KyvernoFunctionError.nonIntegerRound("round")
                }
                guard digits >= 0 else {
                    throw JMESPathError(
                        .invalidValue, "JMESPath function 'round': 2 argument is out of bounds (\(digits))")
                }
                // Go: math.Round(value * 10^digits) / 10^digits. Past Double's range the value is already
                // as precise as it can be, so it comes back unchanged instead of as NaN.
                let shift = Quantity.powerOfTen(min(digits, 400))
                let scaled = value * shift
                guard shift.isFinite, scaled.isFinite else { return number(value) }
                return number(scaled.rounded(.toNearestOrAwayFromZero) / shift)
            },
        ]
    }
}

/// One operand of Kyverno's arithmetic.
enum ArithmeticOperand {
    case scalar(Double)
    case quantity(Quantity)
    case duration(GoDuration)
}

enum Arithmetic {
    static func operand(_ arguments: KyvernoArguments, _ index: Int) throws(JMESPathError) -> ArithmeticOperand {
        let value = index < arguments.count ? arguments.values[index] : .null
        if let number = value.doubleValue, value.isNumber { return .scalar(number) }
        if case .string(let text) = value {
            // Alternatives, not hidden failures: a string that is neither is reported below.
            if let quantity = try? Quantity(parsing: text) { return .quantity(quantity) }
            if let duration = try? GoDuration(parsing: text) { return .duration(duration) }
        }
        throw KyvernoFunctionError.generic(arguments.function, "invalid operand")
    }

    static func add(_ left: ArithmeticOperand, _ right: ArithmeticOperand, function: String) throws(JMESPathError)
        -> JSONValue
    {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)): return KyvernoFunctions.number(a + b)
        case (.quantity(let a), .quantity(let b)):
            return .string(try checked(function) { () throws(QuantityOverflowError) in try a.adding(b) }.description)
        case (.duration(let a), .duration(let b)):
            return .string(GoDuration(nanoseconds: a.nanoseconds &+ b.nanoseconds).description)
        default: throw KyvernoFunctionError.typesMismatch(function)
        }
    }

    static func subtract(_ left: ArithmeticOperand, _ right: ArithmeticOperand) throws(JMESPathError) -> JSONValue {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)): return KyvernoFunctions.number(a - b)
        case (.quantity(let a), .quantity(let b)):
            return .string(
                try checked("subtract") { () throws(QuantityOverflowError) in try a.subtracting(b) }.description)
        case (.duration(let a), .duration(let b)):
            return .string(GoDuration(nanoseconds: a.nanoseconds &- b.nanoseconds).description)
        default: throw KyvernoFunctionError.typesMismatch("subtract")
        }
    }

    static func multiply(_ left: ArithmeticOperand, _ right: ArithmeticOperand) throws(JMESPathError) -> JSONValue {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)): return KyvernoFunctions.number(a * b)
        case (.quantity(let q), .scalar(let s)), (.scalar(let s), .quantity(let q)):
            let factor = try scalarQuantity(s, function: "multiply")
            return .string(
                try checked("multiply") { () throws(QuantityOverflowError) in try q.multiplied(by: factor) }.description
            )
        case (.duration(let d), .scalar(let s)), (.scalar(let s), .duration(let d)):
            let seconds = d.seconds * s
            return .string(GoDuration(nanoseconds: GoConversion.int64(seconds * 1e9)).description)
        default: throw KyvernoFunctionError.typesMismatch("multiply")
        }
    }

    static func divide(_ left: ArithmeticOperand, _ right: ArithmeticOperand) throws(JMESPathError) -> JSONValue {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)):
            if b == 0 { throw KyvernoFunctionError.zeroDivisor("divide") }
            return KyvernoFunctions.number(a / b)
        case (.quantity(let a), .quantity(let b)):
            let divisor = b.approximateDouble
            if divisor == 0 { throw KyvernoFunctionError.zeroDivisor("divide") }
            return KyvernoFunctions.number(a.approximateDouble / divisor)
        case (.quantity(let q), .scalar(let s)):
            if s == 0 { throw KyvernoFunctionError.zeroDivisor("divide") }
            let divisor = try scalarQuantity(s, function: "divide")
            if divisor.isZero { throw KyvernoFunctionError.zeroDivisor("divide") }
            return .string(
                try checked("divide") { () throws(QuantityOverflowError) in try q.dividedRoundingDown(by: divisor) }
                    .description)
        case (.duration(let a), .duration(let b)):
            if b.seconds == 0 { throw KyvernoFunctionError.zeroDivisor("divide") }
            return KyvernoFunctions.number(a.seconds / b.seconds)
        case (.duration(let d), .scalar(let s)):
            if s == 0 { throw KyvernoFunctionError.zeroDivisor("divide") }
            let seconds = d.seconds / s
            return .string(GoDuration(nanoseconds: GoConversion.int64(seconds * 1e9)).description)
        default: throw KyvernoFunctionError.typesMismatch("divide")
        }
    }

    static func modulo(_ left: ArithmeticOperand, _ right: ArithmeticOperand) throws(JMESPathError) -> JSONValue {
        switch (left, right) {
        case (.quantity(let a), .quantity(let b)):
            guard let x = Int64(exactly: a.approximateDouble), let y = Int64(exactly: b.approximateDouble) else {
                throw KyvernoFunctionError.nonIntegerModulo("modulo")
            }
            if y == 0 { throw KyvernoFunctionError.zeroDivisor("modulo") }
            return .string(Quantity(integer: remainder(x, y), format: a.format).description)
        case (.duration(let a), .duration(let b)):
            if b.nanoseconds == 0 { throw KyvernoFunctionError.zeroDivisor("modulo") }
            return .string(GoDuration(nanoseconds: remainder(a.nanoseconds, b.nanoseconds)).description)
        case (.scalar(let a), .scalar(let b)):
            guard let x = Int64(exactly: a), let y = Int64(exactly: b) else {
                throw KyvernoFunctionError.nonIntegerModulo("modulo")
            }
            if y == 0 { throw KyvernoFunctionError.zeroDivisor("modulo") }
            return KyvernoFunctions.number(Double(remainder(x, y)))
        default: throw KyvernoFunctionError.typesMismatch("modulo")
        }
    }

    /// Go's truncated `%`, where `MinInt64 % -1` is 0 instead of a trap.
    private static func remainder(_ x: Int64, _ y: Int64) -> Int64 {
        y == -1 ? 0 : x % y
    }

    /// A number as Kyverno turns it into a quantity: `ParseQuantity(fmt.Sprintf("%v", number))`.
    private static func scalarQuantity(_ value: Double, function: String) throws(JMESPathError) -> Quantity {
        do {
            return try Quantity(parsing: GoFloatFormat.goV(value))
        } catch {
            throw JMESPathError(.invalidValue, error.description)
        }
    }

    private static func checked(_ function: String, _ operation: () throws(QuantityOverflowError) -> Quantity)
        throws(JMESPathError) -> Quantity
    {
        do {
            return try operation()
        } catch {
            throw KyvernoFunctionError.generic(function, error.description)
        }
    }
}
