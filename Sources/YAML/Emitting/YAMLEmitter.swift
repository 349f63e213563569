import JSONValue

extension YAML {
    /// The YAML text of one document in block style, ending with a newline.
    ///
    /// Keys keep their insertion order and nest by two spaces; a sequence under a key starts its `- `
    /// lines at the key's indentation, as `kubectl get -o yaml` prints. Strings stay plain when that
    /// reads back as the same string under Kubernetes' YAML 1.1 rules and PyYAML's; anything that could
    /// read as a bool, null, number or timestamp, or that has leading indicators, `: `, ` #`, edge
    /// spaces or control characters is double-quoted; multi-line strings become literal blocks (`|`, with
    /// a chomping indicator) when that is exact. `YAML.load(YAML.emit(x)) == [x]` for every value
    /// whose doubles are finite (`.nan`/`.inf` are written, but load only with
    /// ``YAMLLoadOptions/allowsNonFiniteNumbers``).
    public static func emit(_ value: JSONValue) -> String {
        var emitter = YAMLEmitter()
        emitter.writeDocument(value)
        return emitter.output
    }

    /// The YAML text of several documents, separated by `---` lines. No documents give empty text.
    public static func emit(documents: [JSONValue]) -> String {
        var emitter = YAMLEmitter()
        for (index, document) in documents.enumerated() {
            if index > 0 { emitter.output += "---\n" }
            emitter.writeDocument(document)
        }
        return emitter.output
    }
}

/// Writes block-style YAML for ``JSONValue`` trees. Recursion is bounded by the value's own depth,
/// which the loaders that build values limit.
struct YAMLEmitter {
    /// libyaml refuses implicit keys longer than 1024 characters; longer keys use the explicit `? ` form.
    static let maximumImplicitKeyLength = 1000

    var output = ""

    mutating func writeDocument(_ value: JSONValue) {
        switch value {
        case .object(let object) where !object.isEmpty:
            writeMapping(object, indent: 0, inline: false)
        case .array(let array) where !array.isEmpty:
            writeSequence(array, indent: 0, inline: false)
        default:
            writeScalar(value, indent: 0)
        }
    }

    /// Writes `key: value` lines at `indent`; with `inline`, the first line continues the current line
    /// (after a sequence's `- `).
    private mutating func writeMapping(_ object: JSONObject, indent: Int, inline: Bool) {
        for (index, (key, value)) in object.enumerated() {
            if index > 0 || !inline { writeIndent(indent) }
            let keyText = YAMLScalarStyle.keyText(key)
            if keyText.utf8.count > Self.maximumImplicitKeyLength {
                output += "? "
                output += keyText
                output += "\n"
                writeIndent(indent)
                output += ":"
                writeValue(value, indent: indent, sequenceIndent: indent + 2)
            } else {
                output += keyText
                output += ":"
                writeValue(value, indent: indent, sequenceIndent: indent)
            }
        }
    }

    /// Writes what follows `key:` on the current line and below.
    private mutating func writeValue(_ value: JSONValue, indent: Int, sequenceIndent: Int) {
        switch value {
        case .object(let object) where !object.isEmpty:
            output += "\n"
            writeMapping(object, indent: indent + 2, inline: false)
        case .array(let array) where !array.isEmpty:
            output += "\n"
            writeSequence(array, indent: sequenceIndent, inline: false)
        default:
            output += " "
            writeScalar(value, indent: indent)
        }
    }

    /// Writes `- item` lines at `indent`; with `inline`, the first `- ` continues the current line.
    private mutating func writeSequence(_ array: [JSONValue], indent: Int, inline: Bool) {
        for (index, element) in array.enumerated() {
            if index > 0 || !inline { writeIndent(indent) }
            output += "- "
            switch element {
            case .object(let object) where !object.isEmpty:
                writeMapping(object, indent: indent + 2, inline: true)
            case .array(let nested) where !nested.isEmpty:
                writeSequence(nested, indent: indent + 2, inline: true)
            default:
                writeScalar(element, indent: indent)
            }
        }
    }

    /// Writes a scalar (or an empty collection) and ends the line. `indent` is the indentation of the
    /// node that holds it; a literal block's lines go two spaces deeper.
    private mutating func writeScalar(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += YAMLScalarStyle.doubleText(number)
        case .array: output += "[]"
        case .object: output += "{}"
        case .string(let string):
            if let block = YAMLScalarStyle.literalBlock(string) {
                writeLiteral(block, indent: indent + 2)
                return
            }
            output += YAMLScalarStyle.valueText(string)
        }
        output += "\n"
    }

    private mutating func writeLiteral(_ block: YAMLScalarStyle.LiteralBlock, indent: Int) {
        output += "|"
        if block.needsIndentationIndicator { output += "2" }
        output += block.chomping
        output += "\n"
        for line in block.lines {
            if !line.isEmpty { writeIndent(indent) }
            output += line
            output += "\n"
        }
    }

    private mutating func writeIndent(_ count: Int) {
        output.append(contentsOf: repeatElement(" ", count: count))
    }
}
