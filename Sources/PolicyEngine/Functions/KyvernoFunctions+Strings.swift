import JMESPath
import JSONValue

/// String functions: `compare`, `equal_fold`, `replace`, `replace_all`, `to_upper`, `to_lower`, `trim`,
/// `trim_prefix`, `split`, `truncate`, `to_boolean`.
///
/// Go strings are byte strings and Go's `strings` package works on UTF-8 bytes and runes; these functions
/// work on Unicode scalars (Go's runes) and compare by UTF-8 bytes, so results match Go for valid UTF-8.
/// Case mapping is per scalar and single-scalar only, as Go's `unicode.ToUpper`/`ToLower` (`ß` stays `ß`).
extension KyvernoFunctions {
    static var stringFunctions: [JMESPathFunction] {
        [
            function(
                "compare", [.init(.string), .init(.string)], returns: .number,
                "compares two strings lexicographically"
            ) { arguments throws(JMESPathError) in
                let left = Array(try arguments.string(0).utf8)
                let right = Array(try arguments.string(1).utf8)
                if left == right { return .int(0) }
                return .int(left.lexicographicallyPrecedes(right) ? -1 : 1)
            },
            function(
                "equal_fold", [.init(.string), .init(.string)], returns: .boolean,
                "allows comparing two strings for equivalency where the only differences are letter cases"
            ) {
                arguments throws(JMESPathError) in
                .bool(StringFolding.equalFold(try arguments.string(0), try arguments.string(1)))
            },
            function(
                "replace", [.init(.string), .init(.string), .init(.string), .init(.number)], returns: .string,
                "replaces a specified number of instances of the source string with the replacement string in a parent"
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0)
                let old = try arguments.string(1)
                let new = try arguments.string(2)
                let count = GoConversion.int(try arguments.number(3))
                return .string(StringFolding.replace(source, old, new, count: count))
            },
            function(
                "replace_all", [.init(.string), .init(.string), .init(.string)], returns: .string,
                "replace all instances of one string with another in an overall parent string"
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0)
                let old = try arguments.string(1)
                let new = try arguments.string(2)
                return .string(StringFolding.replace(source, old, new, count: -1))
            },
            function(
                "to_upper", [.init(.string)], returns: .string,
                "takes in a string and outputs the same string with all upper-case letters"
            ) {
                arguments throws(JMESPathError) in
                .string(StringFolding.map(try arguments.string(0), \.uppercaseMapping))
            },
            function(
                "to_lower", [.init(.string)], returns: .string,
                "takes in a string and outputs the same string with all lower-case letters"
            ) {
                arguments throws(JMESPathError) in
                .string(StringFolding.map(try arguments.string(0), \.lowercaseMapping))
            },
            function(
                "trim", [.init(.string), .init(.string)], returns: .string,
                "trims both ends of the source string by characters appearing in the second string"
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0).unicodeScalars
                let cutset = Set(try arguments.string(1).unicodeScalars)
                guard let first = source.firstIndex(where: { !cutset.contains($0) }),
                    let last = source.lastIndex(where: { !cutset.contains($0) })
                else { return .string("") }
                return .string(String(source[first...last]))
            },
            function(
                "trim_prefix", [.init(.string), .init(.string)], returns: .string,
                "trims the second string prefix from the first string if the first string starts with the prefix"
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0)
                let prefix = try arguments.string(1)
                guard source.utf8.starts(with: prefix.utf8) else { return .string(source) }
                return .string(String(decoding: source.utf8.dropFirst(prefix.utf8.count), as: UTF8.self))
            },
            function(
                "split", [.init(.string), .init(.string)], returns: .arrayOf(.string),
                "splits the first string when the second string is found and converts it into an array "
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0)
                let separator = try arguments.string(1)
                return .array(StringFolding.split(source, separator).map(JSONValue.string))
            },
            function(
                "truncate", [.init(.string), .init(.number)], returns: .string,
                "length argument must be enclosed in backticks; ex. \"{{request.object.metadata.name | truncate(@, `9`)}}\""
            ) {
                arguments throws(JMESPathError) in
                let source = try arguments.string(0)
                let requested = try arguments.number(1)
                let scalars = source.unicodeScalars
                guard Double(scalars.count) > requested else { return .string(source) }
                let length = max(0, GoConversion.int(requested))
                return .string(String(scalars.prefix(length)))
            },
            function(
                "to_boolean", [.init(.string)], returns: .boolean,
                "It returns true or false for any string, such as 'True', 'TruE', 'False', 'FAlse', 'faLSE', etc."
            ) {
                arguments throws(JMESPathError) in
                let input = try arguments.string(0)
                switch StringFolding.map(input, \.lowercaseMapping) {
                case "true": return .bool(true)
                case "false": return .bool(false)
                default:
                    throw KyvernoFunctionError.generic(
                        "to_boolean", "lowercase argument must be 'true' or 'false' (provided: '\(input)')")
                }
            },
        ]
    }
}

/// Go's `strings` semantics on Unicode scalars.
enum StringFolding {
    /// Maps each scalar through a case mapping when the mapping is a single scalar (Go's simple mapping).
    static func map(_ text: String, _ mapping: KeyPath<Unicode.Scalar.Properties, String>) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = scalar.properties[keyPath: mapping].unicodeScalars
            if mapped.count == 1, let single = mapped.first {
                result.append(single)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Go's `strings.EqualFold`: equal under simple Unicode case folding.
    static func equalFold(_ left: String, _ right: String) -> Bool {
        let left = Array(left.unicodeScalars)
        let right = Array(right.unicodeScalars)
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            if fold(a) != fold(b) { return false }
        }
        return true
    }

    private static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        func single(_ text: String) -> Unicode.Scalar? {
            let scalars = text.unicodeScalars
            return scalars.count == 1 ? scalars.first : nil
        }
        let upper = single(scalar.properties.uppercaseMapping) ?? scalar
        return single(upper.properties.lowercaseMapping) ?? upper
    }

    /// Go's `strings.Replace`: the first `count` occurrences (all when negative); an empty `old` matches
    /// before every scalar and at the end.
    static func replace(_ source: String, _ old: String, _ new: String, count: Int) -> String {
        if count == 0 || old == new { return source }
        let sourceBytes = Array(source.utf8)
        let oldBytes = Array(old.utf8)
        let newBytes = Array(new.utf8)
        var output: [UInt8] = []
        var replaced = 0
        if oldBytes.isEmpty {
            for scalar in source.unicodeScalars {
                if count < 0 || replaced < count {
                    output += newBytes
                    replaced += 1
                }
                output += Array(String(scalar).utf8)
            }
            if count < 0 || replaced < count { output += newBytes }
            return String(decoding: output, as: UTF8.self)
        }
        var index = 0
        while index < sourceBytes.count {
            if count < 0 || replaced < count, index + oldBytes.count <= sourceBytes.count,
                sourceBytes[index..<(index + oldBytes.count)].elementsEqual(oldBytes)
            {
                output += newBytes
                index += oldBytes.count
                replaced += 1
            } else {
                output.append(sourceBytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Go's `strings.Split`: an empty separator splits into scalars (and gives no element for "").
    static func split(_ source: String, _ separator: String) -> [String] {
        if separator.isEmpty { return source.unicodeScalars.map { String($0) } }
        let sourceBytes = Array(source.utf8)
        let separatorBytes = Array(separator.utf8)
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + separatorBytes.count <= sourceBytes.count {
            if sourceBytes[index..<(index + separatorBytes.count)].elementsEqual(separatorBytes) {
                parts.append(String(decoding: sourceBytes[start..<index], as: UTF8.self))
                index += separatorBytes.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(decoding: sourceBytes[start...], as: UTF8.self))
        return parts
    }
}

/// Go's numeric conversions, without traps.
enum GoConversion {
    /// `int(x)` for a `float64`: truncates toward zero; NaN and out-of-range values give `Int.min`, as
    /// Go does on amd64.
    static func int(_ value: Double) -> Int {
        guard value.isFinite, value > -9.223372036854775808e18, value < 9.223372036854775808e18 else {
            return Int.min
        }
        return Int(value.rounded(.towardZero))
    }

    /// `int64(x)`, as ``int(_:)``.
    static func int64(_ value: Double) -> Int64 {
        Int64(int(value))
    }
}
