import KubeValues

/// Generates random strings that match a Go regular expression, for Kyverno's `random` function (which
/// uses `zach-klippenstein/goregen`).
///
/// Supports literals, `.`, classes with ranges and negation, `\d \w \s` (and negations), groups,
/// alternation and the quantifiers `* + ? {n} {n,} {n,m}` (unbounded repeats stop at 10, goregen's
/// default). Anchors and word boundaries generate nothing. `.` and negated classes draw from printable
/// ASCII. The pattern is first compiled as a ``GoRegex`` so that invalid patterns fail with Go's message;
/// nesting is limited to 100 levels and output to 100,000 characters.
public struct RegexGenerator {
    indirect enum Node {
        case literal(Unicode.Scalar)
        case set([ClosedRange<UInt32>], negated: Bool)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, minimum: Int, maximum: Int)
    }

    static let unboundedRepeatLimit = 10
    static let maximumDepth = 100
    static let maximumLength = 100_000
    static let printable: ClosedRange<UInt32> = 0x20...0x7E

    let root: Node

    /// Parses `pattern`.
    /// - Throws: ``GoRegexError`` for a pattern Go rejects or one nested too deeply.
    public init(_ pattern: String) throws(GoRegexError) {
        _ = try GoRegex(pattern)
        var parser = Parser(scalars: Array(pattern.unicodeScalars))
        root = try parser.parseAlternation(depth: 0)
    }

    /// One random matching string.
    /// - Throws: ``GoRegexError`` when the result would exceed the length limit or a class is empty.
    public func generate() throws(GoRegexError) -> String {
        var generator = SystemRandomNumberGenerator()
        var output = String.UnicodeScalarView()
        var length = 0
        try Self.emit(root, into: &output, length: &length, using: &generator)
        return String(output)
    }

    private static func emit(
        _ node: Node, into output: inout String.UnicodeScalarView, length: inout Int,
        using generator: inout SystemRandomNumberGenerator
    ) throws(GoRegexError) {
        if length > maximumLength {
            throw GoRegexError(code: "generated string too long", expression: "")
        }
        switch node {
        case .literal(let scalar):
            output.append(scalar)
            length += 1
        case .set(let ranges, let negated):
            guard let scalar = pick(ranges, negated: negated, using: &generator) else {
                throw GoRegexError(code: "empty character class", expression: "")
            }
            output.append(scalar)
            length += 1
        case .sequence(let nodes):
            for child in nodes { try emit(child, into: &output, length: &length, using: &generator) }
        case .alternation(let nodes):
            guard let choice = nodes.randomElement(using: &generator) else { return }
            try emit(choice, into: &output, length: &length, using: &generator)
        case .repetition(let child, let minimum, let maximum):
            let count = Int.random(in: minimum...max(minimum, maximum), using: &generator)
            for _ in 0..<count { try emit(child, into: &output, length: &length, using: &generator) }
        }
    }

    private static func pick(
        _ ranges: [ClosedRange<UInt32>], negated: Bool, using generator: inout SystemRandomNumberGenerator
    ) -> Unicode.Scalar? {
        if negated {
            let candidates = printable.filter { value in !ranges.contains { $0.contains(value) } }
            return candidates.randomElement(using: &generator).flatMap(Unicode.Scalar.init)
        }
        let valid = ranges.filter { !$0.isEmpty }
        let total = valid.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 }
        guard total > 0 else { return nil }
        var offset = Int.random(in: 0..<total, using: &generator)
        for range in valid {
            let size = Int(range.upperBound - range.lowerBound) + 1
            if offset < size {
                // Surrogates are not scalars; fall back to the range start.
                return Unicode.Scalar(range.lowerBound + UInt32(offset)) ?? Unicode.Scalar(range.lowerBound)
            }
            offset -= size
        }
        return nil
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
        static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F]
        static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]

        func tooDeep() -> GoRegexError {
            GoRegexError(code: "expression nests too deeply", expression: String(String.UnicodeScalarView(scalars)))
        }

        mutating func parseAlternation(depth: Int) throws(GoRegexError) -> Node {
            if depth > RegexGenerator.maximumDepth { throw tooDeep() }
            var branches = [try parseSequence(depth: depth)]
            while index < scalars.count, scalars[index] == "|" {
                index += 1
                branches.append(try parseSequence(depth: depth))
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func parseSequence(depth: Int) throws(GoRegexError) -> Node {
            var nodes: [Node] = []
            while index < scalars.count, scalars[index] != "|", scalars[index] != ")" {
                guard var atom = try parseAtom(depth: depth) else { continue }
                while let (minimum, maximum) = parseQuantifier() {
                    atom = .repetition(atom, minimum: minimum, maximum: maximum)
                }
                nodes.append(atom)
            }
            return .sequence(nodes)
        }

        mutating func parseQuantifier() -> (Int, Int)? {
            guard index < scalars.count else { return nil }
            var result: (Int, Int)?
            switch scalars[index] {
            case "*": result = (0, RegexGenerator.unboundedRepeatLimit)
            case "+": result = (1, RegexGenerator.unboundedRepeatLimit)
            case "?": result = (0, 1)
            case "{":
                guard let counted = CountedRepeat(scalars, at: index, limit: 1000) else { return nil }
                index += counted.length - 1
                let minimum = counted.minimum
                result = (minimum, counted.maximum ?? max(minimum, minimum + RegexGenerator.unboundedRepeatLimit))
            default: return nil
            }
            index += 1
            if index < scalars.count, scalars[index] == "?" { index += 1 }
            return result
        }

        /// One atom, or nil for something that generates nothing (anchors, flag groups).
        mutating func parseAtom(depth: Int) throws(GoRegexError) -> Node? {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "(":
                if index < scalars.count, scalars[index] == "?" {
                    // (?P<name>, (?<name>, (?flags:, (?flags)
                    while index < scalars.count, scalars[index] != ":", scalars[index] != ")", scalars[index] != ">" {
                        index += 1
                    }
                    if index < scalars.count, scalars[index] == ")" {
                        index += 1
                        return nil
                    }
                    index += 1
                }
                let inner = try parseAlternation(depth: depth + 1)
                if index < scalars.count, scalars[index] == ")" { index += 1 }
                return inner
            case ".":
                return .set([RegexGenerator.printable], negated: false)
            case "^", "$":
                return nil
            case "[":
                return parseClass()
            case "\\":
                return parseEscape(inClass: false).map { node in node }
            default:
                return .literal(scalar)
            }
        }

        /// After a backslash: a node, or nil for zero-width escapes.
        mutating func parseEscape(inClass: Bool) -> Node? {
            guard index < scalars.count else { return nil }
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "d": return .set(Self.digits, negated: false)
            case "D": return .set(Self.digits, negated: true)
            case "w": return .set(Self.word, negated: false)
            case "W": return .set(Self.word, negated: true)
            case "s": return .set(Self.space, negated: false)
            case "S": return .set(Self.space, negated: true)
            case "b", "B", "A", "z": return nil
            case "n": return .literal("\n")
            case "t": return .literal("\t")
            case "r": return .literal("\r")
            case "f": return .literal("\u{0C}")
            case "v": return .literal("\u{0B}")
            case "a": return .literal("\u{07}")
            case "p", "P":
                if index < scalars.count, scalars[index] == "{" {
                    while index < scalars.count, scalars[index] != "}" { index += 1 }
                }
                index += 1
                return .set([0x41...0x5A, 0x61...0x7A], negated: scalar == "P")
            case "x":
                var hex = ""
                if index < scalars.count, scalars[index] == "{" {
                    index += 1
                    while index < scalars.count, scalars[index] != "}" {
                        hex.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    index += 1
                } else {
                    while index < scalars.count, hex.count < 2 {
                        hex.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                }
                return UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init).map(Node.literal)
            case "0"..."7":
                var value = UInt32(scalar.digitValue ?? 0)
                var count = 1
                while count < 3, index < scalars.count, let digit = scalars[index].digitValue, digit < 8 {
                    value = value * 8 + UInt32(digit)
                    index += 1
                    count += 1
                }
                return Unicode.Scalar(value).map(Node.literal)
            case "Q":
                var nodes: [Node] = []
                while index < scalars.count,
                    !(scalars[index] == "\\" && index + 1 < scalars.count && scalars[index + 1] == "E")
                {
                    nodes.append(.literal(scalars[index]))
                    index += 1
                }
                index = min(index + 2, scalars.count)
                return .sequence(nodes)
            default:
                return .literal(scalar)
            }
        }

        mutating func parseClass() -> Node {
            var negated = false
            if index < scalars.count, scalars[index] == "^" {
                negated = true
                index += 1
            }
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while index < scalars.count, scalars[index] != "]" || first {
                first = false
                var low: UInt32
                let scalar = scalars[index]
                if scalar == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                    var end = index + 2
                    while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                    let name = String(String.UnicodeScalarView(scalars[(index + 2)..<min(end, scalars.count)]))
                    ranges += Self.posix(name)
                    index = end + 2
                    continue
                }
                index += 1
                if scalar == "\\" {
                    guard let node = parseEscape(inClass: true) else { continue }
                    switch node {
                    case .literal(let value): low = value.value
                    case .set(let set, let setNegated):
                        ranges +=
                            setNegated
                            ? RegexGenerator.printable.filter { v in !set.contains { $0.contains(v) } }.map { $0...$0 }
                            : set
                        continue
                    default: continue
                    }
                } else {
                    low = scalar.value
                }
                if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                    index += 1
                    var high = low
                    if scalars[index] == "\\" {
                        index += 1
                        if case .literal(let value)? = parseEscape(inClass: true) { high = value.value }
                    } else {
                        high = scalars[index].value
                        index += 1
                    }
                    ranges.append(low...max(low, high))
                } else {
                    ranges.append(low...low)
                }
            }
            index += 1
            return .set(ranges, negated: negated)
        }

        static func posix(_ name: String) -> [ClosedRange<UInt32>] {
            switch name {
            case "alpha": [0x41...0x5A, 0x61...0x7A]
            case "digit": digits
            case "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
            case "upper": [0x41...0x5A]
            case "lower": [0x61...0x7A]
            case "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66]
            case "word": word
            case "space": [0x09...0x0D, 0x20...0x20]
            case "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
            default: [0x21...0x7E]
            }
        }
    }
}
