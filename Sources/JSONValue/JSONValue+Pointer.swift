extension JSONValue {
    /// The value a JSON Pointer names, or `nil` when a token names a missing member, an index out of range,
    /// or steps into a scalar.
    public subscript(pointer pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = JSONPointer.arrayIndex(token), index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The value a JSON Pointer in text form names (see ``subscript(pointer:)``).
    /// - Throws: ``JSONPointerError`` (`.syntax`) when the pointer text is malformed.
    public func value(atPointer text: String) throws(JSONPointerError) -> JSONValue? {
        self[pointer: try JSONPointer(text)]
    }

    /// Sets the value a pointer names, with RFC 6902 `add` semantics: an object member is replaced or
    /// added, an array element is replaced, and the index equal to the array's count (or the token `-`)
    /// appends. The root pointer replaces the whole document.
    /// - Throws: ``JSONPointerError`` when the parent of the target does not exist (`.notFound`), is a
    ///   scalar, or the array index is invalid or beyond the end (`.typeMismatch` / `.notFound`).
    public mutating func setValue(_ newValue: JSONValue, at pointer: JSONPointer) throws(JSONPointerError) {
        try update(pointer: pointer, depth: 0) { (container: inout JSONValue, token: String) throws(JSONPointerError) in
            switch container {
            case .object(var object):
                container = .null
                object[token] = newValue
                container = .object(object)
            case .array(var array):
                let index = token == "-" ? array.count : JSONPointer.arrayIndex(token)
                guard let index else {
                    throw pointer.error(.typeMismatch, "'\(token)' is not an array index")
                }
                guard index <= array.count else {
                    throw pointer.error(.notFound, "array index \(index) is beyond the end")
                }
                container = .null
                if index == array.count {
                    array.append(newValue)
                } else {
                    array[index] = newValue
                }
                container = .array(array)
            default:
                throw pointer.error(.typeMismatch, "cannot set '\(token)' in a \(container.typeName)")
            }
        } root: { (root: inout JSONValue) in
            root = newValue
        }
    }

    /// Removes the value a pointer names and returns it (removing the root leaves `null`).
    /// - Throws: ``JSONPointerError`` (`.notFound`) when there is no such value.
    @discardableResult
    public mutating func removeValue(at pointer: JSONPointer) throws(JSONPointerError) -> JSONValue {
        var removed = JSONValue.null
        try update(pointer: pointer, depth: 0) { (container: inout JSONValue, token: String) throws(JSONPointerError) in
            switch container {
            case .object(var object):
                container = .null
                let value = object.removeValue(forKey: token)
                container = .object(object)
                guard let value else {
                    throw pointer.error(.notFound, "no member '\(token)'")
                }
                removed = value
            case .array(var array):
                guard let index = JSONPointer.arrayIndex(token), index < array.count else {
                    throw pointer.error(.notFound, "no array element '\(token)'")
                }
                container = .null
                removed = array.remove(at: index)
                container = .array(array)
            default:
                throw pointer.error(.typeMismatch, "cannot remove '\(token)' from a \(container.typeName)")
            }
        } root: { (root: inout JSONValue) in
            removed = root
            root = .null
        }
        return removed
    }

    /// Walks to the parent of the pointer's target, mutating in place (containers are taken out of `self`
    /// while modified so their storage stays uniquely referenced), and applies `body` with the last token.
    private mutating func update(
        pointer: JSONPointer,
        depth: Int,
        _ body: (inout JSONValue, String) throws(JSONPointerError) -> Void,
        root: (inout JSONValue) -> Void
    ) throws(JSONPointerError) {
        guard !pointer.tokens.isEmpty else {
            root(&self)
            return
        }
        if depth == pointer.tokens.count - 1 {
            try body(&self, pointer.tokens[depth])
            return
        }
        let token = pointer.tokens[depth]
        switch self {
        case .object(var object):
            guard var child = object[token] else {
                throw pointer.error(.notFound, "no member '\(token)'")
            }
            self = .null
            object[token] = .null
            defer {
                object[token] = child
                self = .object(object)
            }
            try child.update(pointer: pointer, depth: depth + 1, body, root: root)
        case .array(var array):
            guard let index = JSONPointer.arrayIndex(token), index < array.count else {
                throw pointer.error(.notFound, "no array element '\(token)'")
            }
            var child = array[index]
            self = .null
            array[index] = .null
            defer {
                array[index] = child
                self = .array(array)
            }
            try child.update(pointer: pointer, depth: depth + 1, body, root: root)
        default:
            throw pointer.error(.typeMismatch, "cannot step into a \(typeName) with '\(token)'")
        }
    }
}

extension JSONPointer {
    /// An error about applying this pointer.
    fileprivate func error(_ kind: JSONPointerError.Kind, _ message: String) -> JSONPointerError {
        JSONPointerError(kind, pointer: description, message: message)
    }
}
