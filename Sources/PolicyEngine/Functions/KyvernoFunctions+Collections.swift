import JMESPath
import JSONValue

/// Object and array functions: `label_match`, `lookup`, `items`, `object_from_lists`.
extension KyvernoFunctions {
    static var collectionFunctions: [JMESPathFunction] {
        [
            function(
                "lookup", [.init(.object, .array), .init(.string, .number)], returns: .any,
                "returns the value corresponding to the given key/index in the given object/array"
            ) {
                arguments throws(JMESPathError) in
                switch try arguments.value(0) {
                case .object(let object):
                    guard case .string(let key) = try arguments.value(1) else {
                        throw KyvernoFunctionError.invalidType("lookup", position: 2, expected: "String")
                    }
                    return object[key] ?? .null
                case .array(let array):
                    guard let key = try arguments.value(1).doubleValue else {
                        throw KyvernoFunctionError.invalidType("lookup", position: 2, expected: "Number")
                    }
                    let index = try integer(key, function: "lookup", position: 2)
                    return array.indices.contains(index) ? array[index] : .null
                default:
                    throw KyvernoFunctionError.invalidType("lookup", position: 1, expected: "Object or Array")
                }
            },
            function(
                "items", [.init(.object, .array), .init(.string), .init(.string)], returns: .array,
                "converts a map or array to an array of objects where each key:value is an item in the array"
            ) {
                arguments throws(JMESPathError) in
                guard case .string(let keyName) = try arguments.value(1) else {
                    throw KyvernoFunctionError.invalidType("items", position: 2, expected: "String")
                }
                guard case .string(let valueName) = try arguments.value(2) else {
                    throw KyvernoFunctionError.invalidType("items", position: 3, expected: "String")
                }
                func item(_ key: JSONValue, _ value: JSONValue) -> JSONValue {
                    var object = JSONObject()
                    object[keyName] = key
                    object[valueName] = value
                    return .object(object)
                }
                switch try arguments.value(0) {
                case .object(let object):
                    // Sorted by key (bytewise, as Go's sort.Strings) so that the output is deterministic.
                    let keys = object.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                    return .array(keys.map { item(.string($0), object[$0] ?? .null) })
                case .array(let array):
                    return .array(array.enumerated().map { item(.int($0.offset), $0.element) })
                default:
                    throw KyvernoFunctionError.invalidType("items", position: 1, expected: "Object or Array")
                }
            },
            function(
                "object_from_lists", [.init(.array), .init(.array)], returns: .object,
                "converts a pair of lists containing keys and values to an object"
            ) {
                arguments throws(JMESPathError) in
                let keys = try arguments.array(0, position: 1)
                let values = try arguments.array(1, position: 2)
                var object = JSONObject()
                let keyTexts = KyvernoArguments(
                    function: "object_from_lists", arguments: keys.map(JMESPathArgument.value))
                for index in keys.indices {
                    let key: String
                    do {
                        key = try keyTexts.text(index)
                    } catch {
                        throw KyvernoFunctionError.invalidType(
                            "object_from_lists", position: 1, expected: "StringArray")
                    }
                    object[key] = index < values.count ? values[index] : .null
                }
                return .object(object)
            },
        ]
    }

    /// Kyverno's `intNumber`: a whole number in `Int` range, or an error naming the argument.
    static func integer(_ value: Double, function: String, position: Int) throws(JMESPathError) -> Int {
        guard value.isFinite, value.rounded(.towardZero) == value else {
            throw JMESPathError(
                .invalidValue,
                "JMESPath function '\(function)': argument #\(position): expected an integer number but got: "
                    + GoFloatFormat.goV(value))
        }
        guard let exact = Int(exactly: value) else {
            throw JMESPathError(
                .invalidValue,
                "JMESPath function '\(function)': argument #\(position): number is outside the range of integer numbers: "
                    + GoFloatFormat.goV(value))
        }
        return exact
    }

    static var matchingFunctions: [JMESPathFunction] {
        [
            function(
                "pattern_match", [.init(.string), .init(.string, .number)], returns: .boolean,
                "'*' matches zero or more alphanumeric characters, '?' matches a single alphanumeric character"
            ) {
                arguments throws(JMESPathError) in
                .bool(Wildcard.matches(try arguments.string(0), try arguments.text(1)))
            },
            function(
                "label_match", [.init(.object), .init(.object)], returns: .boolean,
                "object arguments must be enclosed in backticks; ex. `{{request.object.spec.template.metadata.labels}}`"
            ) {
                arguments throws(JMESPathError) in
                // Kyverno names these positions 0 and 1 in its messages.
                let selector = try arguments.object(0, position: 0)
                let labels = try arguments.object(1, position: 1)
                for (key, value) in selector where labels[key] != value {
                    return .bool(false)
                }
                return .bool(true)
            },
        ]
    }
}
