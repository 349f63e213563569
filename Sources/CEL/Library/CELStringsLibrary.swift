/// cel-go's `ext.Strings` at version 2, as Kubernetes and Kyverno enable it: `charAt`, `indexOf`,
/// `lastIndexOf`, `lowerAscii`, `upperAscii`, `replace`, `split`, `substring`, `trim`, `join`, `format` and
/// `strings.quote`.
/// Indexes count Unicode code points, as cel-go does. Version 3 adds `reverse()`, which Kubernetes does not
/// enable (it pins version 2); the conformance suite runs with it.
public struct CELStringsLibrary: CELLibrary {
    /// The ext.Strings version: 2 (Kubernetes', the default) or 3 (adds `reverse`).
    public let version: Int

    public init() { version = 2 }

    public init(version: Int) { self.version = version }

    public func register(into registry: inout CELFunctionRegistry) {
        if version >= 3 {
            registry.add(
                .unary("reverse", receiver: true, .string) { text in
                    guard case .string(let text) = text else { return Self.overload("reverse") }
                    var reversed = String.UnicodeScalarView()
                    reversed.append(contentsOf: text.unicodeScalars.reversed())
                    return .string(String(reversed))
                })
        }
        registry.add(
            .binary("charAt", receiver: true, .string, .int) { text, index in
                guard case .string(let text) = text, case .int(let index) = index else {
                    return Self.overload("charAt")
                }
                let scalars = Array(text.unicodeScalars)
                guard index >= 0, index <= scalars.count else {
                    return .error(CELError("index out of range: \(index)"))
                }
                return .string(index == scalars.count ? "" : String(scalars[Int(index)]))
            })
        for name in ["indexOf", "lastIndexOf"] {
            let last = name == "lastIndexOf"
            registry.add(
                .binary(name, receiver: true, .string, .string) { text, part in
                    guard case .string(let text) = text, case .string(let part) = part else {
                        return Self.overload(name)
                    }
                    let scalars = Array(text.unicodeScalars)
                    return Self.find(
                        Array(part.unicodeScalars), in: scalars, from: last ? scalars.count : 0, last: last)
                })
            registry.add(
                CELOverload(
                    name, receiver: true, [.string, .string, .int],
                    body: .ternary { text, part, start in
                        guard case .string(let text) = text, case .string(let part) = part, case .int(let start) = start
                        else { return Self.overload(name) }
                        let scalars = Array(text.unicodeScalars)
                        guard start >= 0, start <= scalars.count else {
                            return .error(CELError("index out of range: \(start)"))
                        }
                        return Self.find(Array(part.unicodeScalars), in: scalars, from: Int(start), last: last)
                    }))
        }
        registry.add(
            .unary("lowerAscii", receiver: true, .string) { text in
                guard case .string(let text) = text else { return Self.overload("lowerAscii") }
                return .string(Self.mapASCII(text) { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 })
            })
        registry.add(
            .unary("upperAscii", receiver: true, .string) { text in
                guard case .string(let text) = text else { return Self.overload("upperAscii") }
                return .string(Self.mapASCII(text) { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 })
            })
        registry.add(
            CELOverload(
                "replace", receiver: true, [.string, .string, .string],
                body: .ternary { text, old, new in Self.replace(text, old, new, limit: -1) }))
        registry.add(
            CELOverload(
                "replace", receiver: true, [.string, .string, .string, .int],
                body: .variadic { values in
                    guard case .int(let limit) = values[3] else { return Self.overload("replace") }
                    return Self.replace(values[0], values[1], values[2], limit: limit)
                }))
        registry.add(.binary("split", receiver: true, .string, .string) { Self.split($0, $1, limit: -1) })
        registry.add(
            CELOverload(
                "split", receiver: true, [.string, .string, .int],
                body: .ternary { text, separator, limit in
                    guard case .int(let limit) = limit else { return Self.overload("split") }
                    return Self.split(text, separator, limit: limit)
                }))
        registry.add(
            .binary("substring", receiver: true, .string, .int) { text, start in
                guard case .string(let text) = text, case .int(let start) = start else {
                    return Self.overload("substring")
                }
                let count = Int64(text.unicodeScalars.count)
                return Self.substring(text, start, count)
            })
        registry.add(
            CELOverload(
                "substring", receiver: true, [.string, .int, .int],
                body: .ternary { text, start, end in
                    guard case .string(let text) = text, case .int(let start) = start, case .int(let end) = end else {
                        return Self.overload("substring")
                    }
                    return Self.substring(text, start, end)
                }))
        registry.add(
            .unary("trim", receiver: true, .string) { text in
                guard case .string(let text) = text else { return Self.overload("trim") }
                var scalars = Substring(text).unicodeScalars[...]
                while let first = scalars.first, Self.isSpace(first) { scalars.removeFirst() }
                while let last = scalars.last, Self.isSpace(last) { scalars.removeLast() }
                return .string(String(scalars))
            })
        registry.add(.unary("join", receiver: true, .list) { Self.join($0, .string("")) })
        registry.add(.binary("join", receiver: true, .list, .string) { Self.join($0, $1) })
        registry.add(.binary("format", receiver: true, .string, .list) { Self.format($0, $1) })
        registry.add(
            .unary("strings.quote", .string) { text in
                guard case .string(let text) = text else { return Self.overload("strings.quote") }
                return .string(Self.quote(text))
            })
    }

    static func overload(_ name: String) -> CELValue { .error(.noMatchingOverload(name)) }

    static func find(_ part: [Unicode.Scalar], in text: [Unicode.Scalar], from start: Int, last: Bool) -> CELValue {
        if part.isEmpty { return .int(Int64(start)) }
        guard part.count <= text.count else { return .int(-1) }
        if last {
            var index = min(start, text.count - part.count)
            while index >= 0 {
                if text[index..<index + part.count].elementsEqual(part) { return .int(Int64(index)) }
                index -= 1
            }
        } else {
            var index = start
            while index + part.count <= text.count {
                if text[index..<index + part.count].elementsEqual(part) { return .int(Int64(index)) }
                index += 1
            }
        }
        return .int(-1)
    }

    static func mapASCII(_ text: String, _ transform: (UInt8) -> UInt8) -> String {
        String(decoding: text.utf8.map { $0 < 128 ? transform($0) : $0 }, as: UTF8.self)
    }

    static func replace(_ text: CELValue, _ old: CELValue, _ new: CELValue, limit: Int64) -> CELValue {
        guard case .string(let text) = text, case .string(let old) = old, case .string(let new) = new else {
            return overload("replace")
        }
        if limit == 0 { return .string(text) }
        // Go's strings.Replace: an empty `old` matches before every code point and at the end.
        if old.isEmpty {
            var result = ""
            var done: Int64 = 0
            for scalar in text.unicodeScalars {
                if limit < 0 || done < limit {
                    result += new
                    done += 1
                }
                result.unicodeScalars.append(scalar)
            }
            if limit < 0 || done < limit { result += new }
            return .string(result)
        }
        var result: [UInt8] = []
        let bytes = Array(text.utf8)
        let pattern = Array(old.utf8)
        var index = 0
        var done: Int64 = 0
        while index < bytes.count {
            if (limit < 0 || done < limit), index + pattern.count <= bytes.count,
                bytes[index..<index + pattern.count].elementsEqual(pattern)
            {
                result.append(contentsOf: new.utf8)
                index += pattern.count
                done += 1
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return .string(String(decoding: result, as: UTF8.self))
    }

    static func split(_ text: CELValue, _ separator: CELValue, limit: Int64) -> CELValue {
        guard case .string(let text) = text, case .string(let separator) = separator else { return overload("split") }
        if limit == 0 { return .list(CELList([])) }
        // Go's strings.SplitN: an empty separator splits into code points.
        if separator.isEmpty {
            let scalars = Array(text.unicodeScalars)
            var parts: [CELValue] = []
            for (offset, scalar) in scalars.enumerated() {
                if limit > 0, Int64(parts.count) == limit - 1 {
                    parts.append(.string(String(String.UnicodeScalarView(scalars[offset...]))))
                    return .list(CELList(parts))
                }
                parts.append(.string(String(scalar)))
            }
            return .list(CELList(parts))
        }
        var parts: [CELValue] = []
        let bytes = Array(text.utf8)
        let pattern = Array(separator.utf8)
        var start = 0
        var index = 0
        while index + pattern.count <= bytes.count, limit < 0 || Int64(parts.count) < limit - 1 {
            if bytes[index..<index + pattern.count].elementsEqual(pattern) {
                parts.append(.string(String(decoding: bytes[start..<index], as: UTF8.self)))
                index += pattern.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(.string(String(decoding: bytes[start...], as: UTF8.self)))
        return .list(CELList(parts))
    }

    static func substring(_ text: String, _ start: Int64, _ end: Int64) -> CELValue {
        let scalars = Array(text.unicodeScalars)
        guard start >= 0, start <= scalars.count else { return .error(CELError("index out of range: \(start)")) }
        guard end >= 0, end <= scalars.count else { return .error(CELError("index out of range: \(end)")) }
        guard start <= end else { return .error(CELError("invalid substring range. start: \(start), end: \(end)")) }
        return .string(String(String.UnicodeScalarView(scalars[Int(start)..<Int(end)])))
    }

    /// Go's unicode.IsSpace, which `strings.TrimSpace` uses.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    static func join(_ list: CELValue, _ separator: CELValue) -> CELValue {
        guard case .list(let list) = list, case .string(let separator) = separator else { return overload("join") }
        var parts: [String] = []
        parts.reserveCapacity(list.count)
        for index in 0..<list.count {
            guard case .string(let part) = list[index] else { return overload("join") }
            parts.append(part)
        }
        return .string(parts.joined(separator: separator))
    }

    /// A double-quoted string literal with the escapes CEL and Go share (`\a \b \f \n \r \t \v \\ \"`).
    /// Other control characters stay as they are (cel-go's `strings.quote`), or with `hexControls` become
    /// `\xNN` as Go's `strconv.Quote` writes them (error messages that quote input as Go does).
    static func quote(_ text: String, hexControls: Bool = false) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case _ where hexControls && (scalar.value < 0x20 || scalar.value == 0x7F):
                result += "\\x" + pad(Int64(scalar.value), 2, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
