extension CELStandardLibrary {
    func registerConversions(into registry: inout CELFunctionRegistry) {
        registry.add(.unary("dyn", .any) { $0 })
        registry.add(.unary("type", .any) { .type($0.celType) })
        registry.add(.unary("int", .any, Self.toInt))
        registry.add(.unary("uint", .any, Self.toUint))
        registry.add(.unary("double", .any, Self.toDouble))
        registry.add(.unary("string", .any, Self.toString))
        registry.add(
            .unary("bytes", .any) { value in
                switch value {
                case .bytes: value
                case .string(let text): .bytes(Array(text.utf8))
                default: .error(.noMatchingOverload("bytes"))
                }
            })
        registry.add(
            .unary("bool", .any) { value in
                switch value {
                case .bool: return value
                case .string(let text):
                    switch text {
                    case "1", "t", "T", "TRUE", "true", "True": return .bool(true)
                    case "0", "f", "F", "FALSE", "false", "False": return .bool(false)
                    default: return .error(CELError("type conversion error from 'string' to 'bool'"))
                    }
                default: return .error(.noMatchingOverload("bool"))
                }
            })
    }

    static func toInt(_ value: CELValue) -> CELValue {
        switch value {
        case .int: return value
        case .uint(let x): return Int64(exactly: x).map { .int($0) } ?? .error(.rangeError)
        case .double(let x):
            guard x.isFinite, x > -9.223372036854775808e18, x < 9.223372036854775807e18 else {
                return .error(.rangeError)
            }
            return .int(Int64(x))
        case .string(let text):
            return Int64(text).map { .int($0) } ?? .error(CELError("type conversion error from 'string' to 'int'"))
        case .timestamp(let t): return .int(t.seconds)
        default: return .error(.noMatchingOverload("int"))
        }
    }

    static func toUint(_ value: CELValue) -> CELValue {
        switch value {
        case .uint: return value
        case .int(let x): return UInt64(exactly: x).map { .uint($0) } ?? .error(.rangeError)
        case .double(let x):
            guard x.isFinite, x > -1, x < 1.8446744073709551616e19 else { return .error(.rangeError) }
            return .uint(UInt64(x))
        case .string(let text):
            return UInt64(text).map { .uint($0) } ?? .error(CELError("type conversion error from 'string' to 'uint'"))
        default: return .error(.noMatchingOverload("uint"))
        }
    }

    static func toDouble(_ value: CELValue) -> CELValue {
        switch value {
        case .double: return value
        case .int(let x): return .double(Double(x))
        case .uint(let x): return .double(Double(x))
        case .string(let text):
            let special = ["NaN": Double.nan, "Infinity": .infinity, "-Infinity": -.infinity, "+Infinity": .infinity]
            if let number = special[text] { return .double(number) }
            guard let number = Double(text), !text.contains("_") else {
                return .error(CELError("type conversion error from 'string' to 'double'"))
            }
            return .double(number)
        default: return .error(.noMatchingOverload("double"))
        }
    }

    static func toString(_ value: CELValue) -> CELValue {
        switch value {
        case .string: return value
        case .int(let x): return .string(String(x))
        case .uint(let x): return .string(String(x))
        case .double(let x): return .string(CELValue.format(double: x))
        case .bool(let x): return .string(String(x))
        case .bytes(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .error(CELError("invalid UTF-8 in bytes, cannot convert to string"))
            }
            return .string(text)
        case .timestamp(let t): return .string(t.description)
        case .duration(let d): return .string(d.description)
        case .opaque(let o) where o is any CELStringConvertible: return .string(o.description)
        default: return .error(.noMatchingOverload("string"))
        }
    }
}
