public import JMESPath
import JSONValue

/// Kyverno's custom JMESPath functions (`kyverno jp function` lists the same set), to install next to the
/// standard JMESPath functions.
///
/// Each function has Kyverno's name, parameter types, behaviour and error messages
/// (`JMESPath function '<name>': …`), following `pkg/engine/jmespath` of kyverno/kyverno. Installing them
/// replaces the standard `sum` with Kyverno's, which also adds quantities and durations and rejects an
/// empty array. Written by hand: Kyverno's functions exist only in Go.
public enum KyvernoFunctions {
    /// Every Kyverno function, in Kyverno's registry order.
    public static var all: [JMESPathFunction] {
        stringFunctions + regexFunctions + matchingFunctions + arithmeticFunctions + encodingFunctions
            + timeFunctions + parseFunctions + collectionFunctions + randomFunctions + x509Functions
            + imageFunctions + urlFunctions + hashFunctions
    }

    /// Registers every function of ``all`` into `registry`, replacing functions of the same name (`sum`).
    public static func install(into registry: inout JMESPathFunctionRegistry) {
        registry.register(contentsOf: all)
    }

    /// Builds a function whose body reads its arguments through ``KyvernoArguments``.
    static func function(
        _ name: String,
        _ parameters: [JMESPathParameter],
        returns: JMESPathType,
        _ summary: String,
        body: @escaping @Sendable (KyvernoArguments) throws(JMESPathError) -> JSONValue
    ) -> JMESPathFunction {
        JMESPathFunction(name: name, parameters: parameters, returns: returns, summary: summary) {
            (arguments: [JMESPathArgument]) throws(JMESPathError) -> JSONValue in
            try body(KyvernoArguments(function: name, arguments: arguments))
        }
    }

    /// A function of one string that `decode` turns into a value (`parse_json`, `parse_yaml`, `x509_decode`);
    /// a decoding failure is an `invalidValue` error with the failure's own text.
    static func decoding(
        _ name: String, returns: JMESPathType, _ summary: String,
        _ decode: @escaping @Sendable (String) throws -> JSONValue
    ) -> JMESPathFunction {
        function(name, [.init(.string)], returns: returns, summary) { arguments throws(JMESPathError) in
            let text = try arguments.string(0)
            do {
                return try decode(text)
            } catch {
                throw JMESPathError(.invalidValue, "\(error)")
            }
        }
    }

    /// A JSON number for a Go `float64` result: whole values become integers so that they print as Go
    /// prints them (`25`, not `25.0`).
    static func number(_ value: Double) -> JSONValue {
        if value == value.rounded(.towardZero), abs(value) < 9.0e15, let exact = Int(exactly: value) {
            return .int(exact)
        }
        return .double(value)
    }
}

/// The arguments of one call, read the way Kyverno's handlers validate them (`validateArg`,
/// `ifaceToString`), with Kyverno's error messages. The engine has already checked the declared types;
/// these checks keep a body safe when it is called directly.
struct KyvernoArguments {
    let function: String
    let values: [JSONValue]

    init(function: String, arguments: [JMESPathArgument]) {
        self.function = function
        self.values = arguments.map(\.value)
    }

    var count: Int { values.count }

    /// The argument at `index`; an error naming the position when it is missing.
    func value(_ index: Int) throws(JMESPathError) -> JSONValue {
        guard index < values.count else {
            throw KyvernoFunctionError.outOfBounds(function, position: index + 1, count: values.count)
        }
        return values[index]
    }

    /// A string argument (`argument #N is not of type string` otherwise).
    func string(_ index: Int) throws(JMESPathError) -> String {
        guard case .string(let text) = try value(index) else {
            throw KyvernoFunctionError.invalidType(function, position: index + 1, expected: "string")
        }
        return text
    }

    /// A number argument (`argument #N is not of type float64` otherwise).
    func number(_ index: Int) throws(JMESPathError) -> Double {
        guard let number = try value(index).doubleValue else {
            throw KyvernoFunctionError.invalidType(function, position: index + 1, expected: "float64")
        }
        return number
    }

    /// An array argument; `argument #<position> is not of type Array` otherwise (Kyverno numbers the
    /// positions differently from one function to the next).
    func array(_ index: Int, position: Int) throws(JMESPathError) -> [JSONValue] {
        guard case .array(let elements) = try value(index) else {
            throw KyvernoFunctionError.invalidType(function, position: position, expected: "Array")
        }
        return elements
    }

    /// An object argument; `argument #<position> is not of type Object` otherwise.
    func object(_ index: Int, position: Int) throws(JMESPathError) -> JSONObject {
        guard case .object(let object) = try value(index) else {
            throw KyvernoFunctionError.invalidType(function, position: position, expected: "Object")
        }
        return object
    }

    /// A string, or a number or boolean converted to text as Kyverno's `ifaceToString` does (numbers at
    /// `float32` precision); `argument #N is not of type String or Real` otherwise.
    func text(_ index: Int) throws(JMESPathError) -> String {
        switch try value(index) {
        case .string(let text): return text
        case .int(let number): return GoFloatFormat.float32(Double(number))
        case .double(let number): return GoFloatFormat.float32(number)
        case .bool(let flag): return flag ? "true" : "false"
        default:
            throw KyvernoFunctionError.invalidType(function, position: index + 1, expected: "String or Real")
        }
    }
}

/// Kyverno's error messages (`pkg/engine/jmespath/error.go`), all prefixed `JMESPath function '<name>': `.
enum KyvernoFunctionError {
    static func invalidType(_ function: String, position: Int, expected: String) -> JMESPathError {
        JMESPathError(.invalidType, "JMESPath function '\(function)': argument #\(position) is not of type \(expected)")
    }

    static func generic(_ function: String, _ detail: String) -> JMESPathError {
        JMESPathError(.invalidValue, "JMESPath function '\(function)': \(detail)")
    }

    static func outOfBounds(_ function: String, position: Int, count: Int) -> JMESPathError {
        JMESPathError(
            .invalidArity, "JMESPath function '\(function)': \(position) argument is out of bounds (\(count))")
    }

    static func zeroDivisor(_ function: String) -> JMESPathError {
        JMESPathError(.invalidValue, "JMESPath function '\(function)': Zero divisor passed")
    }

    static func nonIntegerModulo(_ function: String) -> JMESPathError {
        JMESPathError(.invalidValue, "JMESPath function '\(function)': Non-integer argument(s) passed for modulo")
    }

    static func nonIntegerRound(_ function: String) -> JMESPathError {
        JMESPathError(.invalidValue, "JMESPath function '\(function)': Non-integer argument(s) passed for round off")
    }

    static func typesMismatch(_ function: String) -> JMESPathError {
        JMESPathError(.invalidType, "JMESPath function '\(function)': Types mismatch")
    }
}
