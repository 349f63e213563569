import JSONValue

extension JMESPathStandardFunctions {
    static let collections: [JMESPathFunction] = [
        JMESPathFunction(
            name: "keys", parameters: [JMESPathParameter(.object)], returns: .array,
            summary: "The keys of an object, in order."
        ) { arguments in
            .array((arguments[0].value.objectValue ?? [:]).keys.map { .string($0) })
        },
        JMESPathFunction(
            name: "values", parameters: [JMESPathParameter(.object)], returns: .array,
            summary: "The values of an object, in order."
        ) { arguments in
            .array((arguments[0].value.objectValue ?? [:]).values.elements)
        },
        JMESPathFunction(
            name: "merge", parameters: [JMESPathParameter(.object)], variadic: true, returns: .object,
            summary: "The objects merged left to right; later keys win."
        ) { arguments in
            var result = JSONObject()
            for argument in arguments {
                for (key, value) in argument.value.objectValue ?? [:] { result[key] = value }
            }
            return .object(result)
        },
        JMESPathFunction(
            name: "not_null", parameters: [JMESPathParameter(.any)], variadic: true, returns: .any,
            summary: "The first argument that is not null; null if all are."
        ) { arguments in
            arguments.first { !$0.value.isNull }?.value ?? .null
        },
        JMESPathFunction(
            name: "map", parameters: [JMESPathParameter(.expression), JMESPathParameter(.array)],
            returns: .array, summary: "The expression applied to each element of the array (nulls kept)."
        ) { arguments throws(JMESPathError) in
            guard case .expression(let reference) = arguments[0] else { return .null }
            var result: [JSONValue] = []
            for element in arguments[1].value.arrayValue ?? [] { result.append(try reference.evaluate(element)) }
            return .array(result)
        },
        JMESPathFunction(
            name: "sort", parameters: [sortableParameter], returns: .array,
            summary: "An array of numbers or strings in ascending order."
        ) { arguments in
            let elements = arguments[0].value.arrayValue ?? []
            return .array(elements.sorted { (order($0, $1) ?? 0) < 0 })
        },
        JMESPathFunction(
            name: "sort_by", parameters: [JMESPathParameter(.array), JMESPathParameter(.expression)],
            returns: .array, summary: "The array sorted by the number or string the expression gives for each element."
        ) { arguments throws(JMESPathError) in
            let elements = arguments[0].value.arrayValue ?? []
            let keys = try sortKeys(elements, arguments[1], function: "sort_by")
            let order = keys.indices.sorted { a, b in
                let comparison = Self.order(keys[a], keys[b]) ?? 0
                return comparison == 0 ? a < b : comparison < 0
            }
            return .array(order.map { elements[$0] })
        },
        JMESPathFunction(
            name: "max_by", parameters: [JMESPathParameter(.array), JMESPathParameter(.expression)],
            returns: .any, summary: "The element for which the expression gives the largest number or string."
        ) { arguments throws(JMESPathError) in
            try extremeBy(arguments, largest: true)
        },
        JMESPathFunction(
            name: "min_by", parameters: [JMESPathParameter(.array), JMESPathParameter(.expression)],
            returns: .any, summary: "The element for which the expression gives the smallest number or string."
        ) { arguments throws(JMESPathError) in
            try extremeBy(arguments, largest: false)
        },
    ]

    private static let sortableParameter = JMESPathParameter(.arrayOf(.number), .arrayOf(.string))

    /// The expression's value for each element; all must be numbers or all strings.
    /// - Throws: `invalid-type` otherwise.
    static func sortKeys(
        _ elements: [JSONValue], _ argument: JMESPathArgument, function: String
    ) throws(JMESPathError) -> [JSONValue] {
        guard case .expression(let reference) = argument else { return [] }
        var keys: [JSONValue] = []
        keys.reserveCapacity(elements.count)
        for element in elements {
            let key = try reference.evaluate(element)
            let expected = keys.first?.typeName
            guard key.isNumber || key.stringValue != nil, expected == nil || expected == key.typeName else {
                throw JMESPathError(
                    .invalidType,
                    "\(function)() expects the expression to give \(expected ?? "numbers or strings") for every "
                        + "element, got \(key.typeName)")
            }
            keys.append(key)
        }
        return keys
    }

    static func extremeBy(_ arguments: [JMESPathArgument], largest: Bool) throws(JMESPathError) -> JSONValue {
        let elements = arguments[0].value.arrayValue ?? []
        let keys = try sortKeys(elements, arguments[1], function: largest ? "max_by" : "min_by")
        guard !keys.isEmpty else { return .null }
        var best = 0
        for index in keys.indices.dropFirst() {
            let comparison = order(keys[index], keys[best]) ?? 0
            if largest ? comparison > 0 : comparison < 0 { best = index }
        }
        return elements[best]
    }

    static let conversions: [JMESPathFunction] = [
        JMESPathFunction(
            name: "to_array", parameters: [JMESPathParameter(.any)], returns: .array,
            summary: "An array as it is; any other value wrapped in an array."
        ) { arguments in
            let value = arguments[0].value
            if case .array = value { return value }
            return .array([value])
        },
        JMESPathFunction(
            name: "to_string", parameters: [JMESPathParameter(.any)], returns: .string,
            summary: "A string as it is; any other value as compact JSON text."
        ) { arguments in
            let value = arguments[0].value
            if case .string = value { return value }
            return .string(value.serialized())
        },
        JMESPathFunction(
            name: "to_number", parameters: [JMESPathParameter(.any)], returns: .number,
            summary: "A number as it is; a string holding a number converted; null for anything else."
        ) { arguments in
            switch arguments[0].value {
            case .int, .double: return arguments[0].value
            case .string(let text): return number(from: text)
            default: return .null
            }
        },
        JMESPathFunction(
            name: "type", parameters: [JMESPathParameter(.any)], returns: .string,
            summary: "The type of a value: number, string, boolean, array, object or null."
        ) { arguments in
            .string(arguments[0].value.typeName)
        },
    ]

    /// A JSON number written in `text` (an integer stays exact); `null` when it is not one.
    static func number(from text: String) -> JSONValue {
        if let integer = Int(text) { return .int(integer) }
        guard
            text.utf8.allSatisfy({ byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+")
            }), let number = Double(text), number.isFinite
        else { return .null }
        return .double(number)
    }
}
