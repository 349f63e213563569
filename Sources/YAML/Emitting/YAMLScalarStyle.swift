/// How the emitter writes one string: plain when that is unambiguous, a literal block for multi-line
/// text when that is exact, double-quoted otherwise.
enum YAMLScalarStyle {
    /// A multi-line string split for a literal block scalar.
    struct LiteralBlock {
        /// The lines without their trailing line breaks; the chomping indicator restores the final ones.
        var lines: [Substring]
        /// `-` (no final line break), empty (one), `+` (more than one).
        var chomping: String
        /// Whether the first line with content starts with a space, so the indentation must be explicit.
        var needsIndentationIndicator: Bool
    }

    static func keyText(_ key: String) -> String {
        isPlainSafe(key) ? key : doubleQuoted(key)
    }

    static func valueText(_ string: String) -> String {
        isPlainSafe(string) ? string : doubleQuoted(string)
    }

    static func doubleText(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number > 0 ? ".inf" : "-.inf" }
        // Swift's shortest round-trip text ("1.0", "1e-07", "1.5e+20") always reads back as a YAML float.
        return number.description
    }

    // MARK: Plain scalars

    /// Whether `string` written plain reads back as the same string, both under go-yaml v2 (Kubernetes)
    /// and under PyYAML, in block context as a key or a value.
    static func isPlainSafe(_ string: String) -> Bool {
        let scalars = string.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return false }
        if isWhitespace(first) || isWhitespace(last) { return false }
        if string.hasPrefix("---") || string.hasPrefix("...") { return false }
        if "-?:".unicodeScalars.contains(first) {
            // `-x`, `?x`, `:x` are plain scalars; `- x` is not, and neither is a lone indicator.
            let second = scalars.dropFirst().first
            guard let second, !isWhitespace(second) else { return false }
        } else if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            return false
        }
        var previous: Unicode.Scalar = " "
        for scalar in scalars {
            if !isPrintable(scalar) || scalar == "\n" || scalar == "\t" { return false }
            if scalar == "#" && previous == " " { return false }
            if previous == ":" && scalar == " " { return false }
            previous = scalar
        }
        if last == ":" { return false }
        return !resolvesToNonString(string)
    }

    /// Whether a plain scalar with this text would be typed as something else than a string by
    /// go-yaml v2 or PyYAML (YAML 1.1: booleans, null, numbers in any base, sexagesimal, timestamps,
    /// `=` and the merge key `<<`).
    private static func resolvesToNonString(_ string: String) -> Bool {
        if string == "<<" || string == "=" { return true }
        let bytes = Array(string.utf8)
        let resolved = bytes.withUnsafeBufferPointer(ScalarResolver.resolvePlain)
        if case .string = resolved {} else { return true }
        return looksLikePyYAMLOnlyNumberOrDate(bytes)
    }

    /// PyYAML's YAML 1.1 forms that go-yaml v2 reads as strings: sexagesimal numbers (`1:20`,
    /// `190:20:30.15`), timestamps (`2001-12-14`, `2001-12-14 21:59:43.10 -5`) and dotted floats with
    /// odd underscores (`._5`). Quoting them keeps the text a string for every YAML 1.1 reader.
    private static func looksLikePyYAMLOnlyNumberOrDate(_ bytes: [UInt8]) -> Bool {
        func all(in characters: String) -> Bool {
            let allowed = Set(characters.utf8)
            return bytes.allSatisfy { allowed.contains($0) }
        }
        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
        }
        if bytes.contains(UInt8(ascii: ":")), all(in: "0123456789_.:+-") { return true }
        if (0..<4).allSatisfy(isDigit), bytes.count > 4, bytes[4] == UInt8(ascii: "-"),
            all(in: "0123456789-:.tTzZ +\t")
        {
            return true
        }
        let body = bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        return body.first == UInt8(ascii: ".") && all(in: "0123456789_.eE+-")
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    /// The characters YAML allows unescaped in a stream (libyaml's reader check) minus the line breaks
    /// and byte order mark that change meaning inside a scalar.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x20...0x7E: true
        case 0xA0...0xD7FF: scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }

    // MARK: Literal blocks

    /// The literal block form of `string`, or nil when a literal block would not read back exactly:
    /// single-line text, text without visible content, lines with trailing spaces, tabs at the start
    /// of the first line, and characters that need escapes.
    static func literalBlock(_ string: String) -> LiteralBlock? {
        guard string.contains("\n") else { return nil }
        var hasContent = false
        for scalar in string.unicodeScalars {
            if scalar == "\t" { continue }
            guard isPrintable(scalar) else { return nil }
            if !isWhitespace(scalar) { hasContent = true }
        }
        guard hasContent else { return nil }
        var lines = string.split(separator: "\n", omittingEmptySubsequences: false)
        var trailingBreaks = 0
        while let last = lines.last, last.isEmpty {
            lines.removeLast()
            trailingBreaks += 1
        }
        for line in lines {
            if let end = line.unicodeScalars.last, end == " " || end == "\t" { return nil }
        }
        guard let firstContent = lines.first(where: { !$0.isEmpty }) else { return nil }
        if firstContent.hasPrefix("\t") { return nil }
        // `trailingBreaks` counts the empty pieces after the last line: one break means "clip".
        let chomping = trailingBreaks == 0 ? "-" : trailingBreaks == 1 ? "" : "+"
        if trailingBreaks > 1 { lines.append(contentsOf: repeatElement("", count: trailingBreaks - 1)) }
        return LiteralBlock(
            lines: lines,
            chomping: chomping,
            needsIndentationIndicator: firstContent.hasPrefix(" ")
        )
    }

    // MARK: Double-quoted scalars

    static func doubleQuoted(_ string: String) -> String {
        var text = "\""
        text.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\0": text += "\\0"
            case "\u{07}": text += "\\a"
            case "\u{08}": text += "\\b"
            case "\t": text += "\\t"
            case "\n": text += "\\n"
            case "\u{0B}": text += "\\v"
            case "\u{0C}": text += "\\f"
            case "\r": text += "\\r"
            case "\u{1B}": text += "\\e"
            case "\u{85}": text += "\\N"
            case "\u{2028}": text += "\\L"
            case "\u{2029}": text += "\\P"
            default:
                if isPrintable(scalar) {
                    text.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    text += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value <= 0xFFFF {
                    text += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    text += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        text += "\""
        return text
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
