import CYAML

/// One libyaml parse event, copied out of the C union into Swift fields.
///
/// `value` points into libyaml's own buffer: it is valid only until the next call to
/// ``LibYAMLReader/next()``.
struct ParserEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias, scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    /// 1-based line of the event's start.
    var line: Int
    /// 1-based column of the event's start.
    var column: Int
    var anchor: String?
    /// The expanded tag (`tag:yaml.org,2002:int`, `!local`, `!`), or nil when none was written.
    var tag: String?
    /// The scalar's bytes (empty for other events).
    var value: UnsafeBufferPointer<UInt8>
    /// Whether the scalar was written in plain style (no quotes, not a block scalar).
    var isPlain: Bool
    /// Whether the scalar is plain and untagged, so implicit resolution applies.
    var isPlainImplicit: Bool
}

/// Owns one libyaml parser and the copy of the input it reads, and is the one place that calls libyaml
/// and turns its errors into ``YAMLError``.
///
/// libyaml keeps the input pointer for the parser's whole life, so the reader copies the bytes into an
/// allocation it frees only after `yaml_parser_delete`, in `deinit`. Being `~Copyable`, the reader cannot
/// be duplicated, so the parser is deleted exactly once.
struct LibYAMLReader: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// Whether `event` holds an event that libyaml allocated and that must be deleted.
    private var holdsEvent = false

    init(bytes: some Sequence<UInt8>) throws(YAMLError) {
        let copied = Array(bytes)
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(copied.count, 1))
        _ = input.initialize(from: copied)
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        // Nothing is stored in `self` until libyaml succeeded, so a failure frees here and `deinit` never
        // sees a half-built parser.
        guard cyaml_parser_initialize(parser, input.baseAddress, copied.count) != 0 else {
            parser.deallocate()
            input.deallocate()
            throw YAMLError(kind: .resource, line: 1, column: 1, message: "libyaml could not allocate a parser")
        }
        self.input = input
        self.parser = parser
        self.event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
    }

    deinit {
        if holdsEvent { cyaml_event_delete(event) }
        cyaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
        input.deallocate()
    }

    /// Parses the next event. After `streamEnd` libyaml keeps returning `streamEnd`.
    mutating func next() throws(YAMLError) -> ParserEvent {
        if holdsEvent {
            cyaml_event_delete(event)
            holdsEvent = false
        }
        guard cyaml_parser_parse(parser, event) != 0 else { throw currentError() }
        holdsEvent = true

        let mark = cyaml_event_start_mark(event)
        var parsed = ParserEvent(
            kind: .streamStart,
            line: Int(mark.line) + 1,
            column: Int(mark.column) + 1,
            anchor: Self.string(cyaml_event_anchor(event)),
            tag: Self.string(cyaml_event_tag(event)),
            value: UnsafeBufferPointer(start: nil, count: 0),
            isPlain: false,
            isPlainImplicit: false
        )
        switch cyaml_event_type(event) {
        case YAML_STREAM_START_EVENT: parsed.kind = .streamStart
        case YAML_STREAM_END_EVENT: parsed.kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: parsed.kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: parsed.kind = .documentEnd
        case YAML_ALIAS_EVENT: parsed.kind = .alias
        case YAML_SCALAR_EVENT:
            parsed.kind = .scalar
            parsed.value = UnsafeBufferPointer(start: cyaml_scalar_value(event), count: cyaml_scalar_length(event))
            parsed.isPlain = cyaml_scalar_style(event) == YAML_PLAIN_SCALAR_STYLE
            parsed.isPlainImplicit = cyaml_scalar_plain_implicit(event) != 0
        case YAML_SEQUENCE_START_EVENT: parsed.kind = .sequenceStart
        case YAML_SEQUENCE_END_EVENT: parsed.kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT: parsed.kind = .mappingStart
        case YAML_MAPPING_END_EVENT: parsed.kind = .mappingEnd
        default:
            // YAML_NO_EVENT is only produced after an error, which the guard above already reported.
            throw YAMLError(kind: .syntax, line: parsed.line, column: parsed.column, message: "unexpected libyaml event")
        }
        return parsed
    }

    private static func string(_ pointer: UnsafePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The parser's error as a ``YAMLError``: reader errors (encoding) carry a byte offset that is turned
    /// into a line and column; scanner and parser errors carry marks.
    private func currentError() -> YAMLError {
        let problem = cyaml_parser_problem(parser).map { String(cString: $0) } ?? "unknown libyaml error"
        switch cyaml_parser_error(parser) {
        case YAML_MEMORY_ERROR:
            return YAMLError(kind: .resource, line: 1, column: 1, message: "libyaml ran out of memory")
        case YAML_READER_ERROR:
            let offset = min(cyaml_parser_problem_offset(parser), input.count)
            let (line, column) = Self.position(ofByte: offset, in: UnsafeBufferPointer(input))
            var message = problem
            let value = cyaml_parser_problem_value(parser)
            if value >= 0 {
                let hex = String(value, radix: 16, uppercase: true)
                message += " (#x\(hex.count < 2 ? "0" + hex : hex))"
            }
            return YAMLError(kind: .encoding, line: line, column: column, message: message)
        default:
            let mark = cyaml_parser_problem_mark(parser)
            var context: String?
            if let text = cyaml_parser_context(parser) {
                let contextMark = cyaml_parser_context_mark(parser)
                context = "\(String(cString: text)) at line \(contextMark.line + 1), column \(contextMark.column + 1)"
            }
            return YAMLError(
                kind: .syntax,
                line: Int(mark.line) + 1,
                column: Int(mark.column) + 1,
                message: problem,
                context: context
            )
        }
    }

    /// The 1-based line and column (counting UTF-8 lead bytes, as libyaml counts characters) of a byte.
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
