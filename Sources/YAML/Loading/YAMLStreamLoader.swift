import JSONValue

/// Builds ``JSONValue`` documents from libyaml events with an explicit stack (no recursion), applying
/// go-yaml v2's typing, merge keys and sigs.k8s.io/yaml's key conversion, and bounding alias expansion
/// and depth.
struct YAMLStreamLoader {
    private struct Frame {
        var isMapping: Bool
        var items: [JSONValue] = []
        var object: JSONObject = [:]
        /// The key waiting for its value (mappings only); nil while the next event is a key.
        var pendingKey: PendingKey?
        var anchor: String?
        /// Nodes in this subtree, aliases counted at their expanded size.
        var nodeCount = 1
        /// Collection levels in this subtree, this one included.
        var height = 1
    }

    private enum PendingKey {
        case name(String)
        case merge(line: Int, column: Int)
    }

    /// A completed anchored node. Scalars keep their typed value because a key converts it differently.
    private struct Anchor {
        var value: JSONValue
        var scalar: ScalarValue?
        var nodeCount: Int
        var height: Int
    }

    private let options: YAMLLoadOptions
    private var stack: [Frame] = []
    private var anchors: [String: Anchor] = [:]
    /// Anchors of collections still being read: an alias to one of them would contain itself.
    private var openAnchors: [String: Int] = [:]
    private var expandedNodeCount = 0
    private var documentRoot: JSONValue?
    private var documents: [JSONValue] = []

    init(options: YAMLLoadOptions) {
        self.options = options
    }

    /// Reads the whole stream. Documents without content (empty or only comments) are skipped, as
    /// kubectl's multi-document reader skips them; a document whose content is `null` or `~` is kept.
    mutating func load(_ reader: inout LibYAMLReader) throws(YAMLError) -> [JSONValue] {
        while true {
            let event = try reader.next()
            switch event.kind {
            case .streamStart:
                continue
            case .streamEnd:
                return documents
            case .documentStart:
                anchors.removeAll(keepingCapacity: true)
                documentRoot = nil
            case .documentEnd:
                if let documentRoot { documents.append(documentRoot) }
                documentRoot = nil
            case .scalar:
                try scalar(event)
            case .alias:
                try alias(event)
            case .sequenceStart:
                try open(event, isMapping: false)
            case .mappingStart:
                try open(event, isMapping: true)
            case .sequenceEnd, .mappingEnd:
                try close()
            }
        }
    }

    private var isExpectingKey: Bool {
        guard let top = stack.last else { return false }
        return top.isMapping && top.pendingKey == nil
    }

    // MARK: Scalars

    private mutating func scalar(_ event: ParserEvent) throws(YAMLError) {
        if stack.isEmpty, event.isPlainImplicit, event.value.isEmpty, event.anchor == nil {
            return  // a document without content
        }
        expandedNodeCount += 1
        if isExpectingKey, isMergeKey(event) {
            stack[stack.count - 1].pendingKey = .merge(line: event.line, column: event.column)
            return
        }
        let typed = try resolve(event)
        if let name = event.anchor {
            anchors[name] = Anchor(value: jsonValue(typed), scalar: typed, nodeCount: 1, height: 0)
        }
        if isExpectingKey {
            let key = try keyString(typed, line: event.line, column: event.column)
            stack[stack.count - 1].nodeCount += 1
            stack[stack.count - 1].pendingKey = .name(key)
            return
        }
        try checkFinite(typed, text: ScalarResolver.makeString(event.value), line: event.line, column: event.column)
        try attach(jsonValue(typed), nodeCount: 1, height: 0, fromAlias: false, event)
    }

    private func isMergeKey(_ event: ParserEvent) -> Bool {
        if event.tag == ScalarResolver.Tag.merge { return true }
        return event.isPlainImplicit && event.value.elementsEqual("<<".utf8)
    }

    private func resolve(_ event: ParserEvent) throws(YAMLError) -> ScalarValue {
        guard let tag = event.tag else {
            if event.isPlainImplicit { return ScalarResolver.resolvePlain(event.value) }
            return .string(ScalarResolver.makeString(event.value))
        }
        guard let typed = ScalarResolver.resolveTagged(event.value, tag: tag) else {
            let text = ScalarResolver.makeString(event.value)
            throw YAMLError(
                kind: .invalidScalar,
                line: event.line,
                column: event.column,
                message: "cannot decode `\(text.prefix(80))` as \(Self.shortTag(tag))"
            )
        }
        return typed
    }

    private static func shortTag(_ tag: String) -> String {
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    /// The JSON form of a typed scalar. Integers beyond `Int64` become the nearest `Double`, which is what
    /// Kubernetes' JSON decoding makes of the number sigs.k8s.io/yaml writes for them.
    private func jsonValue(_ typed: ScalarValue) -> JSONValue {
        switch typed {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .unsignedInteger(let value): .double(Double(value))
        case .bigInteger(let value), .float(let value): .double(value)
        case .string(let value): .string(value)
        }
    }

    /// Rejects `.nan` and `.inf` values unless the options allow them (sigs.k8s.io/yaml fails on them when
    /// it writes JSON).
    private func checkFinite(_ typed: ScalarValue, text: String, line: Int, column: Int) throws(YAMLError) {
        guard case .float(let value) = typed, !value.isFinite, !options.allowsNonFiniteNumbers else { return }
        throw YAMLError(
            kind: .nonFiniteNumber,
            line: line,
            column: column,
            message: "`\(text)` is not a finite number, which JSON cannot represent; quote it to keep it as a string"
        )
    }

    /// sigs.k8s.io/yaml's conversion of a non-string key: ints in decimal, bools as `true`/`false`,
    /// floats through Go's 32-bit `%g`; null and integers beyond `Int64` are rejected as it rejects them.
    private func keyString(_ typed: ScalarValue, line: Int, column: Int) throws(YAMLError) -> String {
        switch typed {
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .float(let value): return GoFloatFormat.formatFloat32Key(value)
        case .null:
            throw YAMLError(
                kind: .unsupportedKey,
                line: line,
                column: column,
                message: "a null mapping key cannot be converted to JSON; quote it to use it as a string"
            )
        case .unsignedInteger, .bigInteger:
            throw YAMLError(
                kind: .unsupportedKey,
                line: line,
                column: column,
                message: "an integer mapping key beyond 64 bits cannot be converted to JSON; quote it"
            )
        }
    }

    // MARK: Aliases

    private mutating func alias(_ event: ParserEvent) throws(YAMLError) {
        let name = event.anchor ?? ""
        guard let anchor = anchors[name], openAnchors[name, default: 0] == 0 else {
            let recursive = openAnchors[name, default: 0] > 0
            throw YAMLError(
                kind: recursive ? .recursiveAlias : .undefinedAlias,
                line: event.line,
                column: event.column,
                message: recursive
                    ? "alias *\(name) refers to a node that contains it" : "alias *\(name) names no earlier anchor"
            )
        }
        expandedNodeCount += anchor.nodeCount
        guard expandedNodeCount <= options.maximumNodeCount else {
            throw YAMLError(
                kind: .aliasLimit,
                line: event.line,
                column: event.column,
                message: "aliases expand the stream to more than \(options.maximumNodeCount) nodes"
            )
        }
        guard stack.count + anchor.height <= options.maximumDepth else {
            throw depthError(event)
        }
        if isExpectingKey {
            guard let scalar = anchor.scalar else {
                throw YAMLError(
                    kind: .unsupportedKey,
                    line: event.line,
                    column: event.column,
                    message: "alias *\(name) is a collection, which cannot be a mapping key in JSON"
                )
            }
            let key = try keyString(scalar, line: event.line, column: event.column)
            stack[stack.count - 1].nodeCount += 1
            stack[stack.count - 1].pendingKey = .name(key)
            return
        }
        if let scalar = anchor.scalar {
            try checkFinite(scalar, text: "*\(name)", line: event.line, column: event.column)
        }
        try attach(anchor.value, nodeCount: anchor.nodeCount, height: anchor.height, fromAlias: true, event)
    }

    // MARK: Collections

    private mutating func open(_ event: ParserEvent, isMapping: Bool) throws(YAMLError) {
        if isExpectingKey {
            throw YAMLError(
                kind: .unsupportedKey,
                line: event.line,
                column: event.column,
                message: "a \(isMapping ? "mapping" : "sequence") used as a mapping key cannot be converted to JSON"
            )
        }
        guard stack.count < options.maximumDepth else { throw depthError(event) }
        expandedNodeCount += 1
        if let anchor = event.anchor { openAnchors[anchor, default: 0] += 1 }
        stack.append(Frame(isMapping: isMapping, anchor: event.anchor))
    }

    private mutating func close() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let value: JSONValue = frame.isMapping ? .object(frame.object) : .array(frame.items)
        if let name = frame.anchor {
            openAnchors[name, default: 1] -= 1
            if openAnchors[name] == 0 { openAnchors[name] = nil }
            anchors[name] = Anchor(value: value, scalar: nil, nodeCount: frame.nodeCount, height: frame.height)
        }
        try attach(value, nodeCount: frame.nodeCount, height: frame.height, fromAlias: false, nil)
    }

    private func depthError(_ event: ParserEvent) -> YAMLError {
        YAMLError(
            kind: .depthLimit,
            line: event.line,
            column: event.column,
            message: "collections nest deeper than \(options.maximumDepth) levels"
        )
    }

    /// Adds a finished value to the collection being read, or makes it the document's root.
    private mutating func attach(
        _ value: JSONValue,
        nodeCount: Int,
        height: Int,
        fromAlias: Bool,
        _ event: ParserEvent?
    ) throws(YAMLError) {
        let top = stack.count - 1
        guard top >= 0 else {
            documentRoot = value
            return
        }
        stack[top].nodeCount += nodeCount
        stack[top].height = max(stack[top].height, height + 1)
        guard stack[top].isMapping else {
            stack[top].items.append(value)
            return
        }
        switch stack[top].pendingKey {
        case .name(let key):
            stack[top].pendingKey = nil
            stack[top].object[key] = value
        case .merge(let line, let column):
            stack[top].pendingKey = nil
            try merge(value, fromAlias: fromAlias, into: top, line: line, column: column)
        case nil:
            preconditionFailure("a mapping value arrived without a key")
        }
    }

    /// go-yaml v2's merge: the `<<` entry writes the merged keys into the mapping at the point where it
    /// appears, so keys written after `<<` override merged ones (and merged ones override keys written
    /// before it). In a sequence of mappings the earlier mappings win. An alias must name a mapping.
    private mutating func merge(
        _ value: JSONValue,
        fromAlias: Bool,
        into top: Int,
        line: Int,
        column: Int
    ) throws(YAMLError) {
        let invalid = YAMLError(
            kind: .invalidMerge,
            line: line,
            column: column,
            message: "the merge key << needs a mapping or a sequence of mappings as its value"
        )
        switch value {
        case .object(let source):
            for (key, member) in source { stack[top].object[key] = member }
        case .array(let sources) where !fromAlias:
            for source in sources.reversed() {
                guard case .object(let members) = source else { throw invalid }
                for (key, member) in members { stack[top].object[key] = member }
            }
        default:
            throw invalid
        }
    }
}
