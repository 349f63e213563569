/// Rewrites a Go RE2 pattern into Swift regex syntax with the same meaning (see ``GoRegex``), rejecting
/// what Go rejects. One pass over the scalars; groups only push a flag state, so nesting costs no
/// recursion.
struct GoRegexTranslator {
    struct Flags {
        var multiline = false
        var dotAll = false
    }

    let source: [Unicode.Scalar]
    let pattern: String
    var index = 0
    var output = ""
    var flags = [Flags()]
    var groupNames: [String?] = []
    /// What the previous item was, to police quantifiers as Go does.
    var previous: Previous = .start
    /// Go limits nested counted repeats: the product of the `{n,m}` bounds along any path is at most
    /// 1000. One entry per open group: the largest product inside it so far.
    var repeatProducts = [1]
    /// The repeat product of the last atom (a group's inner product, times its own bounds).
    var lastAtomProduct = 1

    enum Previous {
        case start
        case atom
        case quantifier
    }

    init(_ pattern: String) {
        self.pattern = pattern
        self.source = Array(pattern.unicodeScalars)
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(source[max(0, range.lowerBound)..<min(source.count, range.upperBound)]))
    }

    /// Writes the translation of the one-scalar atom at `index` and moves past it.
    private mutating func appendAtom(_ translation: String) {
        output += translation
        index += 1
        previous = .atom
    }

    private func fail(_ code: String, _ range: Range<Int>) -> GoRegexError {
        GoRegexError(code: code, expression: text(range))
    }

    mutating func translate() throws(GoRegexError) -> (pattern: String, groupNames: [String?]) {
        while index < source.count {
            let scalar = source[index]
            if scalar != ")" && scalar != "*" && scalar != "+" && scalar != "?" && scalar != "{" {
                lastAtomProduct = 1
            }
            defer {
                repeatProducts[repeatProducts.count - 1] = max(
                    repeatProducts[repeatProducts.count - 1], lastAtomProduct)
            }
            switch scalar {
            case "\\":
                try translateEscape(inClass: false)
                previous = .atom
            case "[":
                try translateClass()
                previous = .atom
            case "(":
                try openGroup()
            case ")":
                guard flags.count > 1 else { throw fail("unexpected )", 0..<source.count) }
                flags.removeLast()
                lastAtomProduct = repeatProducts.removeLast()
                appendAtom(")")
            case "|":
                output += "|"
                index += 1
                previous = .start
            case "*", "+", "?":
                try quantifier(String(scalar), length: 1)
            case "{":
                if let length = try repeatLength() {
                    try quantifier(text(index..<(index + length)), length: length)
                } else {
                    lastAtomProduct = 1
                    appendAtom("\\{")
                }
            case ".":
                appendAtom(flags[flags.count - 1].dotAll ? "[\\x{0}-\\x{10FFFF}]" : "[^\\n]")
            case "^":
                appendAtom(flags[flags.count - 1].multiline ? "(?m:^)" : "\\A")
            case "$":
                appendAtom(flags[flags.count - 1].multiline ? "(?m:$)" : "\\z")
            default:
                appendAtom(Self.literal(scalar))
            }
        }
        if flags.count > 1 { throw fail("missing closing )", 0..<source.count) }
        return (output, groupNames)
    }

    /// A literal scalar, escaped when Swift's syntax would read it otherwise.
    static func literal(_ scalar: Unicode.Scalar) -> String {
        scalar == "]" || scalar == "}" ? "\\" + String(scalar) : String(scalar)
    }

    private mutating func quantifier(_ operatorText: String, length: Int) throws(GoRegexError) {
        let start = index
        index += length
        var lazy = false
        if index < source.count, source[index] == "?" {
            lazy = true
            index += 1
        }
        switch previous {
        case .start:
            throw fail("missing argument to repetition operator", start..<(start + length))
        case .quantifier:
            // Go reports the previous operator together with this one.
            var begin = start - 1
            while begin > 0, !"*+?}".unicodeScalars.contains(source[begin]) { begin -= 1 }
            throw fail("invalid nested repetition operator", begin..<index)
        case .atom:
            break
        }
        if index < source.count, "*+?".unicodeScalars.contains(source[index]) {
            throw fail("invalid nested repetition operator", start..<(index + 1))
        }
        if operatorText.hasPrefix("{") {
            let bounds = operatorText.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            let minimum = bounds.first.flatMap { Int($0) } ?? 0
            let maximum = bounds.count == 1 ? minimum : (Int(bounds[1]) ?? -1)
            let factor = maximum < 0 ? minimum : maximum
            let product = factor * lastAtomProduct
            if (minimum >= 2 || maximum >= 2), product > 1000 {
                throw fail("invalid repeat count", start..<(start + length))
            }
            lastAtomProduct = product
        }
        output += operatorText + (lazy ? "?" : "")
        previous = .quantifier
    }

    /// The length of a valid `{n}`, `{n,}` or `{n,m}` at `index`, nil when `{` is a literal.
    /// - Throws: `invalid repeat count` when a bound exceeds 1000 or max < min.
    private func repeatLength() throws(GoRegexError) -> Int? {
        guard let counted = CountedRepeat(source, at: index, limit: 100_000) else { return nil }
        let (minimum, maximum) = (counted.minimum, counted.maximum)
        if minimum > 1000 || (maximum ?? 0) > 1000 || (maximum.map { $0 < minimum } ?? false) {
            throw fail("invalid repeat count", index..<(index + counted.length))
        }
        return counted.length
    }

    /// Go's parser refuses nesting deeper than 1000; so does this one (it also keeps Swift's parser
    /// from deep recursion).
    private mutating func pushGroup(_ state: Flags) throws(GoRegexError) {
        if flags.count > 1000 { throw fail("expression nests too deeply", 0..<source.count) }
        flags.append(state)
        repeatProducts.append(1)
    }

    private mutating func openGroup() throws(GoRegexError) {
        let start = index
        var current = flags[flags.count - 1]
        guard index + 1 < source.count, source[index + 1] == "?" else {
            groupNames.append(nil)
            try pushGroup(current)
            output += "("
            index += 1
            previous = .start
            return
        }
        // (?P<name>, (?<name>
        var nameStart: Int?
        if index + 2 < source.count, source[index + 2] == "P", index + 3 < source.count, source[index + 3] == "<" {
            nameStart = index + 4
        } else if index + 3 < source.count, source[index + 2] == "<" {
            nameStart = index + 3
        }
        if let nameStart {
            var end = nameStart
            while end < source.count, source[end] != ">" { end += 1 }
            guard end < source.count else { throw fail("invalid named capture", start..<source.count) }
            let name = text(nameStart..<end)
            let valid =
                !name.isEmpty
                && name.unicodeScalars.allSatisfy {
                    $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || $0.digitValue != nil))
                }
            guard valid else { throw fail("invalid named capture", start..<(end + 1)) }
            if groupNames.contains(name) { throw fail("duplicate capture group name", start..<(end + 1)) }
            groupNames.append(name)
            try pushGroup(current)
            output += "(?<\(name)>"
            index = end + 1
            previous = .start
            return
        }
        // Flags: (?flags) or (?flags:
        var position = index + 2
        var clearing = false
        var sawFlag = false
        while position < source.count {
            let scalar = source[position]
            switch scalar {
            case "i", "U":
                sawFlag = true
            case "m":
                current.multiline = !clearing
                sawFlag = true
            case "s":
                current.dotAll = !clearing
                sawFlag = true
            case "-":
                if clearing { throw fail("invalid or unsupported Perl syntax", start..<(position + 1)) }
                clearing = true
                sawFlag = false
            case ":", ")":
                if clearing && !sawFlag {
                    throw fail("invalid or unsupported Perl syntax", start..<(position + 1))
                }
                let flagText = text((index + 2)..<position)
                // m and s are applied by the translation itself; i and U are passed to Swift.
                let passed = flagText.unicodeScalars.filter { "iU-".unicodeScalars.contains($0) }
                var swiftFlags = String(String.UnicodeScalarView(passed))
                while swiftFlags.hasSuffix("-") { swiftFlags.removeLast() }
                if scalar == ")" {
                    flags[flags.count - 1] = current
                    if !swiftFlags.isEmpty { output += "(?\(swiftFlags))" }
                } else {
                    try pushGroup(current)
                    output += "(?\(swiftFlags):"
                    previous = .start
                }
                index = position + 1
                if scalar == ")" && previous == .quantifier { previous = .atom }
                return
            default:
                throw fail("invalid or unsupported Perl syntax", start..<(position + 1))
            }
            position += 1
        }
        throw fail("missing closing )", 0..<source.count)
    }

    /// `\x` outside or inside a class.
    private mutating func translateEscape(inClass: Bool) throws(GoRegexError) {
        let start = index
        guard index + 1 < source.count else { throw fail("trailing backslash at end of expression", 0..<0) }
        let scalar = source[index + 1]
        index += 2
        switch scalar {
        case "1"..."9":
            // Octal when followed by octal digits; otherwise a backreference, which RE2 lacks.
            if scalar <= "7", index < source.count, ("0"..."7").contains(source[index]) {
                try octal(from: start + 1)
            } else {
                throw fail("invalid escape sequence", start..<index)
            }
        case "0":
            try octal(from: start + 1)
        case "d": output += inClass ? "0-9" : "[0-9]"
        case "D": output += inClass ? "\\D" : "[^0-9]"
        case "w": output += inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]"
        case "W": output += inClass ? "\\W" : "[^0-9A-Za-z_]"
        case "s": output += inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"
        case "S": output += inClass ? "\\S" : "[^\\t\\n\\f\\r ]"
        case "b", "B":
            if inClass { throw fail("invalid escape sequence", start..<index) }
            output += "\\\(scalar)"
        case "A", "z":
            if inClass { throw fail("invalid escape sequence", start..<index) }
            output += "\\\(scalar)"
        case "a": output += "\\x{7}"
        case "f": output += "\\f"
        case "t": output += "\\t"
        case "n": output += "\\n"
        case "r": output += "\\r"
        case "v": output += "\\x{B}"
        case "p", "P":
            guard index < source.count else { throw fail("invalid character class range", start..<index) }
            if source[index] == "{" {
                var end = index
                while end < source.count, source[end] != "}" { end += 1 }
                guard end < source.count else { throw fail("invalid character class range", start..<source.count) }
                var name = text((index + 1)..<end)
                var negated = scalar == "P"
                if name.hasPrefix("^") {
                    negated.toggle()
                    name.removeFirst()
                }
                output += "\\\(negated ? "P" : "p"){\(name)}"
                index = end + 1
            } else {
                output += "\\\(scalar){\(String(source[index]))}"
                index += 1
            }
        case "x":
            guard index < source.count else { throw fail("invalid escape sequence", start..<index) }
            if source[index] == "{" {
                var end = index + 1
                while end < source.count, source[end] != "}" { end += 1 }
                let hex = text((index + 1)..<end)
                guard end < source.count, let value = UInt32(hex, radix: 16), Unicode.Scalar(value) != nil,
                    !hex.isEmpty
                else { throw fail("invalid escape sequence", start..<min(end + 1, source.count)) }
                output += "\\x{\(hex)}"
                index = end + 1
            } else {
                guard index + 1 < source.count, let value = UInt32(text(index..<(index + 2)), radix: 16) else {
                    throw fail("invalid escape sequence", start..<min(index + 2, source.count))
                }
                output += "\\x{\(String(value, radix: 16))}"
                index += 2
            }
        case "Q":
            var end = index
            while end < source.count, !(source[end] == "\\" && end + 1 < source.count && source[end + 1] == "E") {
                end += 1
            }
            for literalScalar in source[index..<end] {
                output += inClass ? Self.classLiteral(literalScalar) : Self.escapedLiteral(literalScalar)
            }
            index = end < source.count ? end + 2 : end
        default:
            // Punctuation may be escaped; letters and digits outside the list above may not.
            if scalar.isASCII, !scalar.properties.isAlphabetic, scalar.digitValue == nil {
                output += "\\\(scalar)"
            } else {
                throw fail("invalid escape sequence", start..<index)
            }
        }
    }

    private mutating func octal(from digitsStart: Int) throws(GoRegexError) {
        var value: UInt32 = 0
        var end = digitsStart
        while end < source.count, end < digitsStart + 3, let digit = source[end].digitValue, digit < 8 {
            value = value * 8 + UInt32(digit)
            end += 1
        }
        output += "\\x{\(String(value, radix: 16))}"
        index = end
    }

    static func escapedLiteral(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, !scalar.properties.isAlphabetic, scalar.digitValue == nil, scalar != " ",
            scalar.value > 0x20
        {
            return "\\" + String(scalar)
        }
        return String(scalar)
    }

    static func classLiteral(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "[", "]", "\\", "-", "^", "&", "~": return "\\" + String(scalar)
        default: return String(scalar)
        }
    }

    private static let posixClasses: Set<String> = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space",
        "upper", "word", "xdigit",
    ]

    /// `[...]`, Go style: `[` inside is literal (except `[:name:]`), a leading `]` is literal, `-` at
    /// either end is literal.
    private mutating func translateClass() throws(GoRegexError) {
        let start = index
        index += 1
        output += "["
        if index < source.count, source[index] == "^" {
            output += "^"
            index += 1
        }
        var first = true
        var lastWasRangeEnd: Unicode.Scalar?
        while true {
            guard index < source.count else { throw fail("missing closing ]", start..<source.count) }
            let scalar = source[index]
            if scalar == "]", !first { break }
            first = false
            if scalar == "[", index + 1 < source.count, source[index + 1] == ":" {
                var end = index + 2
                while end + 1 < source.count, !(source[end] == ":" && source[end + 1] == "]") { end += 1 }
                var name = text((index + 2)..<end)
                let negated = name.hasPrefix("^")
                if negated { name.removeFirst() }
                if end + 1 < source.count, Self.posixClasses.contains(name) {
                    output += "[:\(negated ? "^" : "")\(name):]"
                    index = end + 2
                    lastWasRangeEnd = nil
                    continue
                }
                if end + 1 < source.count {
                    throw fail("invalid character class range", index..<(end + 2))
                }
            }
            if scalar == "\\" {
                try translateEscape(inClass: true)
                lastWasRangeEnd = nil
                continue
            }
            if scalar == "-", index + 1 < source.count, source[index + 1] != "]", let low = lastWasRangeEnd {
                // A range: check the bounds as Go does.
                let highScalar = source[index + 1]
                if highScalar != "\\", highScalar < low {
                    throw fail("invalid character class range", (index - 1)..<(index + 2))
                }
                output += "-"
                index += 1
                lastWasRangeEnd = nil
                continue
            }
            output += Self.classLiteral(scalar)
            lastWasRangeEnd = scalar
            index += 1
        }
        output += "]"
        index += 1
    }
}
