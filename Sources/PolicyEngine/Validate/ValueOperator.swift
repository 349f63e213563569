/// The operator at the start of a string pattern value: `>=`, `<=`, `>`, `<`, `!`, or a range `a-b` /
/// `a!-b` (Kyverno's `GetOperatorFromStringPattern`).
enum ValueOperator: Sendable, Equatable {
    case equal
    case moreEqual
    case lessEqual
    case notEqual
    case more
    case less
    case inRange(String, String)
    case notInRange(String, String)

    /// The operator's prefix text (empty for equality and ranges).
    var text: String {
        switch self {
        case .equal, .inRange, .notInRange: ""
        case .moreEqual: ">="
        case .lessEqual: "<="
        case .notEqual: "!"
        case .more: ">"
        case .less: "<"
        }
    }

    static func prefix(of pattern: String) -> ValueOperator {
        guard pattern.count >= 2 else { return .equal }
        if pattern.hasPrefix(">=") { return .moreEqual }
        if pattern.hasPrefix("<=") { return .lessEqual }
        if pattern.hasPrefix(">") { return .more }
        if pattern.hasPrefix("<") { return .less }
        if pattern.hasPrefix("!") { return .notEqual }
        if let (left, right) = range(pattern, separator: "!-") { return .notInRange(left, right) }
        if let (left, right) = range(pattern, separator: "-") { return .inRange(left, right) }
        return .equal
    }

    /// `^([-|\+]?\d+(?:\.\d+)?[A-Za-z]*)<sep>([-|\+]?\d+(?:\.\d+)?[A-Za-z]*)$`
    private static func range(_ pattern: String, separator: String) -> (String, String)? {
        let characters = Array(pattern)
        guard let leftEnd = endpoint(characters, from: 0) else { return nil }
        let separatorCharacters = Array(separator)
        // The left endpoint may end earlier (backtracking over its letter suffix); try each split.
        var candidates: [Int] = [leftEnd]
        var index = leftEnd
        while index > 0, characters[index - 1].isLetter, characters[index - 1].isASCII {
            index -= 1
            candidates.append(index)
        }
        for end in candidates {
            guard end + separatorCharacters.count <= characters.count,
                Array(characters[end..<(end + separatorCharacters.count)]) == separatorCharacters
            else { continue }
            let rightStart = end + separatorCharacters.count
            if let rightEnd = endpoint(characters, from: rightStart), rightEnd == characters.count {
                return (String(characters[0..<end]), String(characters[rightStart...]))
            }
        }
        return nil
    }

    /// Matches `[-|\+]?\d+(?:\.\d+)?[A-Za-z]*` greedily from `start`; returns the end index.
    private static func endpoint(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        if index < characters.count, characters[index] == "-" || characters[index] == "|" || characters[index] == "+" {
            index += 1
        }
        let digitsStart = index
        while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        guard index > digitsStart else { return nil }
        if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isASCIIDigit {
            index += 1
            while index < characters.count, characters[index].isASCIIDigit { index += 1 }
        }
        while index < characters.count, characters[index].isASCII, characters[index].isLetter { index += 1 }
        return index
    }
}
