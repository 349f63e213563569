import Foundation
import JSONValue

/// JSON patch (RFC 6902), the `application/json-patch+json` patch type.
enum JSONPatch {
    /// Applies a list of operations in order.
    /// - Throws: ``StatusError`` 400 when the patch is not a list, kube-apiserver's generic 422 when an
    ///   operation is malformed or cannot apply (missing path, failed `test`).
    static func apply(_ patch: JSONValue, to target: JSONValue) throws(StatusError) -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw StatusError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw unprocessable("invalid JSON patch operation: \(operation)")
            }
            let tokens = try pointer(path)
            switch op {
            case "add":
                document = try insert(try value(operation), at: tokens[...], in: document, replacing: false)
            case "replace":
                _ = try read(tokens[...], in: document, path: path)
                document = try insert(try value(operation), at: tokens[...], in: document, replacing: true)
            case "remove":
                document = try remove(tokens[...], in: document, path: path).document
            case "move", "copy":
                guard let from = operation["from"]?.stringValue else {
                    throw unprocessable("JSON patch operation \(op) needs \"from\"")
                }
                let fromTokens = try pointer(from)
                let moved = try read(fromTokens[...], in: document, path: from)
                if op == "move" { document = try remove(fromTokens[...], in: document, path: from).document }
                document = try insert(moved, at: tokens[...], in: document, replacing: false)
            case "test":
                let actual = try read(tokens[...], in: document, path: path)
                guard actual == (try value(operation)) else {
                    throw unprocessable("testing value \(path) failed: test failed")
                }
            default:
                throw unprocessable("Unexpected kind: \(op)")
            }
        }
        return document
    }

    /// An operation that cannot apply. kube-apiserver decodes only the list up front (a body that is not a
    /// list is 400) and answers every failure while applying with its generic 422, without the reason:
    /// `message` is what went wrong, kept for reading this code, not sent.
    static func unprocessable(_ message: String) -> StatusError {
        _ = message
        return StatusError.jsonPatchFailed
    }

    private static func value(_ operation: JSONValue) throws(StatusError) -> JSONValue {
        guard let value = operation["value"] else {
            throw unprocessable("JSON patch operation needs \"value\"")
        }
        return value
    }

    /// Splits a JSON Pointer (RFC 6901) into unescaped reference tokens.
    static func pointer(_ path: String) throws(StatusError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw unprocessable("JSON pointer must start with '/': \(path)") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func read(_ tokens: ArraySlice<String>, in document: JSONValue, path: String) throws(StatusError)
        -> JSONValue
    {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw unprocessable("doc is missing path: \(path)") }
                current = next
            case .array(let array):
                guard let index = Int(token), array.indices.contains(index) else {
                    throw unprocessable("doc is missing path: \(path)")
                }
                current = array[index]
            default:
                throw unprocessable("doc is missing path: \(path)")
            }
        }
        return current
    }

    private static func insert(
        _ value: JSONValue, at tokens: ArraySlice<String>, in document: JSONValue, replacing: Bool
    ) throws(StatusError) -> JSONValue {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else {
                    throw unprocessable("doc is missing path: /\(tokens.joined(separator: "/"))")
                }
                object[token] = try insert(value, at: rest, in: child, replacing: replacing)
            }
            return .object(object)
        case .array(var array):
            if rest.isEmpty {
                if token == "-", !replacing {
                    array.append(value)
                } else if let index = Int(token), index >= 0, index <= array.count {
                    if replacing {
                        guard index < array.count else { throw unprocessable("index out of range: \(index)") }
                        array[index] = value
                    } else {
                        array.insert(value, at: index)
                    }
                } else {
                    throw unprocessable("invalid array index: \(token)")
                }
            } else {
                guard let index = Int(token), array.indices.contains(index) else {
                    throw unprocessable("invalid array index: \(token)")
                }
                array[index] = try insert(value, at: rest, in: array[index], replacing: replacing)
            }
            return .array(array)
        default:
            throw unprocessable("cannot add into a \(document.typeName) at \(token)")
        }
    }

    private static func remove(_ tokens: ArraySlice<String>, in document: JSONValue, path: String) throws(StatusError)
        -> (document: JSONValue, removed: JSONValue)
    {
        guard let token = tokens.first else { throw unprocessable("cannot remove the whole document") }
        let rest = tokens.dropFirst()
        switch document {
        case .object(var object):
            guard let child = object[token] else { throw unprocessable("doc is missing path: \(path)") }
            if rest.isEmpty {
                object.removeValue(forKey: token)
                return (.object(object), child)
            }
            let result = try remove(rest, in: child, path: path)
            object[token] = result.document
            return (.object(object), result.removed)
        case .array(var array):
            guard let index = Int(token), array.indices.contains(index) else {
                throw unprocessable("doc is missing path: \(path)")
            }
            if rest.isEmpty {
                let removed = array.remove(at: index)
                return (.array(array), removed)
            }
            let result = try remove(rest, in: array[index], path: path)
            array[index] = result.document
            return (.array(array), result.removed)
        default:
            throw unprocessable("doc is missing path: \(path)")
        }
    }
}
