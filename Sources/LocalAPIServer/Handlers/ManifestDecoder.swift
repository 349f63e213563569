import Foundation
import JSONValue
import YAML

/// Decodes request bodies and manifest files into objects: the one place every body and every `--load`
/// file goes through.
public enum ManifestDecoder {
    /// Decodes `bytes` by content type.
    ///
    /// JSON may be a single object, a `List` (its items are returned), or several objects one after the
    /// other (concatenated or newline-delimited). YAML may hold several documents (`---`) with Kubernetes'
    /// YAML 1.1 scalar rules; empty documents are skipped and `List`s are flattened, as kubectl does.
    /// - Parameter contentType: the media type, parameters allowed (`application/json; charset=utf-8`);
    ///   `nil` means JSON.
    /// - Throws: ``StatusError`` 400 for malformed JSON or YAML (naming the line and column), 415 for another
    ///   media type. Protobuf is read for the few kinds `kubectl create` sends that way
    ///   (``KubernetesProtobuf``).
    public static func decode(_ bytes: [UInt8], contentType: String?) throws(StatusError) -> [JSONValue] {
        let mediaType = contentType.map(mediaTypeOf) ?? "application/json"
        switch mediaType {
        case "application/json", "application/merge-patch+json", "application/json-patch+json",
            "application/strategic-merge-patch+json", "":
            return try decodeJSON(bytes)
        case "application/yaml", "application/x-yaml", "text/yaml", "application/apply-patch+yaml":
            return try decodeYAML(bytes)
        case KubernetesProtobuf.mediaType:
            return [try KubernetesProtobuf.decode(bytes)]
        default:
            throw StatusError.unsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json, application/yaml, application/vnd.kubernetes.protobuf")
        }
    }

    static func decodeYAML(_ bytes: [UInt8]) throws(StatusError) -> [JSONValue] {
        let loaded: [JSONValue]
        do {
            loaded = try YAML.load(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw StatusError.badRequest("error converting YAML to JSON: \(error)")
        }
        let documents = loaded.filter { !$0.isNull }.flatMap(expandingLists)
        guard !documents.isEmpty else {
            throw StatusError.badRequest("couldn't get version/kind; the YAML body has no object")
        }
        return documents
    }

    /// The items of a `…List` document (`List`, `PodList`, …), or the document itself.
    static func expandingLists(_ document: JSONValue) -> [JSONValue] {
        if let kind = document["kind"]?.stringValue, kind.hasSuffix("List"), let items = document["items"]?.arrayValue {
            return items
        }
        return [document]
    }

    /// `application/json` from `application/json; charset=utf-8`.
    static func mediaTypeOf(_ contentType: String) -> String {
        let base = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return base.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func decodeJSON(_ bytes: [UInt8]) throws(StatusError) -> [JSONValue] {
        var documents: [JSONValue] = []
        for range in try documentRanges(bytes) {
            let document: JSONValue
            do {
                document = try JSONValue.parse(bytes[range])
            } catch {
                throw StatusError.badRequest("couldn't get version/kind; json parse error: \(error)")
            }
            documents += expandingLists(document)
        }
        guard !documents.isEmpty else {
            throw StatusError.badRequest("couldn't get version/kind; json parse error: unexpected end of JSON input")
        }
        return documents
    }

    /// Splits concatenated JSON texts at top-level boundaries (strings and escapes respected). Only the
    /// boundaries are found here; each range is then parsed strictly.
    static func documentRanges(_ bytes: [UInt8]) throws(StatusError) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), 0x0A, 0x0D, 0x09:
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 0 { start = index }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth < 0 {
                    throw StatusError.badRequest(
                        "couldn't get version/kind; json parse error: unexpected '\(Character(UnicodeScalar(byte)))' at offset \(index)"
                    )
                }
                if depth == 0, let begin = start {
                    ranges.append(begin..<(index + 1))
                    start = nil
                }
            case UInt8(ascii: "\""):
                inString = true
                if depth == 0 { start = index }
            default:
                if depth == 0 {
                    throw StatusError.badRequest(
                        "couldn't get version/kind; json parse error: invalid character at offset \(index), expected an object"
                    )
                }
            }
        }
        if depth != 0 || inString {
            throw StatusError.badRequest("couldn't get version/kind; json parse error: unexpected end of JSON input")
        }
        return ranges
    }
}
