import JSONValue

/// Writes a JSON value as block-style YAML for `-o yaml`. Strings are written as JSON strings (valid YAML
/// double-quoted scalars) whenever a plain scalar could be read back as something else.
enum YAMLEmitter {
    static func emit(_ value: JSONValue) -> String {
        var output = ""
        write(value, indent: 0, into: &output, inline: false)
        return output
    }

    private static func write(_ value: JSONValue, indent: Int, into output: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let object) where !object.isEmpty:
            var first = true
            for (key, member) in object {
                output += (inline && first ? "" : pad) + scalar(.string(key)) + ":"
                first = false
                writeMember(member, indent: indent, into: &output)
            }
        case .array(let array) where !array.isEmpty:
            var first = true
            for element in array {
                output += (inline && first ? "" : pad) + "-"
                first = false
                switch element {
                case .object(let object) where !object.isEmpty:
                    output += " "
                    write(element, indent: indent + 2, into: &output, inline: true)
                case .array(let inner) where !inner.isEmpty:
                    output += "\n"
                    write(element, indent: indent + 2, into: &output, inline: false)
                default:
                    output += " " + scalar(element) + "\n"
                }
            }
        default:
            output += (inline ? "" : pad) + scalar(value) + "\n"
        }
    }

    private static func writeMember(_ member: JSONValue, indent: Int, into output: inout String) {
        switch member {
        case .object(let object) where !object.isEmpty:
            output += "\n"
            write(member, indent: indent + 2, into: &output, inline: false)
        case .array(let array) where !array.isEmpty:
            output += "\n"
            write(member, indent: indent, into: &output, inline: false)
        default:
            output += " " + scalar(member) + "\n"
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .object: return "{}"
        case .array: return "[]"
        case .string(let text):
            let plain = text.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || "-_./".unicodeScalars.contains($0) || ("0"..."9").contains($0))
            }
            let reserved = ["true", "false", "null", "yes", "no", "on", "off", "~", ""].contains(text.lowercased())
            let numeric = text.first.map { $0.isNumber || $0 == "-" || $0 == "." } ?? true
            return plain && !reserved && !numeric ? text : value.serialized()
        default:
            return value.serialized()
        }
    }
}
