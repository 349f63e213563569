import KubeValues

/// One of Kubernetes' named string formats (`kubernetes.NamedFormat`), from `format.dns1123Label()` or
/// `format.named('dns1123Label')`; `validate(s)` runs it.
public struct CELNamedFormat: CELOpaqueValue {
    /// Kubernetes' display name (`DNS1123Label`, `uuid`).
    public let name: String
    let validate: @Sendable (String) -> [String]
    public var celTypeName: String { "kubernetes.NamedFormat" }
    public var description: String { "format:\(name)" }

    public func isEqual(to other: any CELOpaqueValue) -> Bool { (other as? CELNamedFormat)?.name == name }

    /// What Kubernetes charges per tenth of the validated string: a quarter of the format's `MaxRegexSize`
    /// (format.go), rounded up; the CRD formats use the length of the regex their validator stands for.
    var regexCost: Int {
        switch name {
        case "DNS1123Label", "DNS1035Label", "DNS1123LabelPrefix", "DNS1035LabelPrefix": 8  // 30
        case "DNS1123Subdomain", "DNS1123SubdomainPrefix", "QualifiedName": 15  // 60
        case "LabelValue": 10  // 40
        case "URI": 276  // len(govalidator.URL)
        case "uuid", "date", "datetime": 18  // len(strfmt.UUIDPattern), len(strfmt.DateTimePattern)
        case "byte": 21  // len(govalidator.Base64)
        default: 1
        }
    }
}

/// Kubernetes' format library (`library.Format`, format.go): `format.<name>()` for each named format,
/// `format.named(name)` (an optional), and `<format>.validate(string)`, which is `optional.none()` for a
/// valid string and otherwise an optional list of Kubernetes' error messages (apimachinery's validation
/// wording: `must be no more than 63 characters`, `must not contain dots`, the regex messages).
public struct CELFormatLibrary: CELLibrary {
    public init() {}

    static let kind = CELKind.opaque("kubernetes.NamedFormat")

    /// By the name `format.<name>()` and `format.named` use.
    static let formats: [String: CELNamedFormat] = [
        "dns1123Label": CELNamedFormat(name: "DNS1123Label") { KubernetesNames.dns1123Label($0) },
        "dns1123Subdomain": CELNamedFormat(name: "DNS1123Subdomain") { KubernetesNames.dns1123Subdomain($0) },
        "dns1035Label": CELNamedFormat(name: "DNS1035Label") { KubernetesNames.dns1035Label($0) },
        "qualifiedName": CELNamedFormat(name: "QualifiedName") { KubernetesNames.labelKey($0) },
        "dns1123LabelPrefix": CELNamedFormat(name: "DNS1123LabelPrefix") {
            KubernetesNames.dns1123Label(KubernetesNames.maskTrailingDash($0))
        },
        "dns1123SubdomainPrefix": CELNamedFormat(name: "DNS1123SubdomainPrefix") {
            KubernetesNames.dns1123Subdomain(KubernetesNames.maskTrailingDash($0))
        },
        "dns1035LabelPrefix": CELNamedFormat(name: "DNS1035LabelPrefix") {
            KubernetesNames.dns1035Label(KubernetesNames.maskTrailingDash($0))
        },
        "labelValue": CELNamedFormat(name: "LabelValue") { KubernetesNames.labelValue($0) },
        "uri": CELNamedFormat(name: "URI") { text in
            if case .failure(let error) = GoURL.parseRequestURI(text) { return [error.message] }
            return []
        },
        "uuid": CELNamedFormat(name: "uuid") { text in
            KubernetesNames.uuid.regex.matches(text) ? [] : ["does not match the UUID format"]
        },
        "byte": CELNamedFormat(name: "byte") { text in
            KubernetesNames.base64.regex.matches(text) ? [] : ["invalid base64"]
        },
        "date": CELNamedFormat(name: "date") { text in KubernetesNames.isDate(text) ? [] : ["invalid date"] },
        "datetime": CELNamedFormat(name: "datetime") { text in
            KubernetesNames.isDateTime(text) ? [] : ["invalid datetime"]
        },
    ]

    public func register(into registry: inout CELFunctionRegistry) {
        for (name, format) in Self.formats {
            registry.add(CELOverload("format.\(name)", [], body: .variadic { _ in .opaque(format) }))
        }
        registry.add(
            .unary("format.named", .string) { name in
                guard case .string(let name) = name else { return .error(.noMatchingOverload("format.named")) }
                return .optional(Self.formats[name].map { .opaque($0) })
            })
        registry.add(
            .binary("validate", receiver: true, Self.kind, .string) { format, text in
                guard case .opaque(let opaque) = format, let format = opaque as? CELNamedFormat,
                    case .string(let text) = text
                else { return .error(.noMatchingOverload("validate")) }
                let errors = format.validate(text)
                return .optional(errors.isEmpty ? CELValue?.none : .list(CELList(errors.map { .string($0) })))
            })
    }
}

/// apimachinery's name validations (k8s.io/apimachinery/pkg/util/validation and api/validate/content), with
/// their messages, and kube-openapi's `uuid`, `byte`, `date` and `datetime` checks.
enum KubernetesNames {
    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let labelKeyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(" + labelKeyFormat + ")?"

    static func anchored(_ format: String) -> SharedRegex {
        // The patterns are constants known to compile.
        SharedRegex(try! GoRegex("^" + format + "$"))
    }

    static let dns1123Label = anchored(dns1123LabelFormat)
    static let dns1123Subdomain = anchored(dns1123SubdomainFormat)
    static let dns1035Label = anchored(dns1035LabelFormat)
    static let labelKey = anchored(labelKeyFormat)
    static let labelValue = anchored(labelValueFormat)
    static let uuid = SharedRegex(
        try! GoRegex("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"))
    static let base64 = SharedRegex(
        try! GoRegex("^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=|[A-Za-z0-9+\\/]{4})$"))
    static let time = SharedRegex(
        try! GoRegex("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$"))

    /// `RegexError`: the message, the examples and the pattern.
    static func regexError(_ message: String, _ format: String, _ examples: String...) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '" + format + "')" }
        var result = message + " (e.g. "
        for (index, example) in examples.enumerated() {
            if index > 0 { result += " or " }
            result += "'" + example + "', "
        }
        return result + "regex used for validation is '" + format + "')"
    }

    /// `maskTrailingDash`: for the prefix formats a trailing dash is replaced (with the character before
    /// it, as Kubernetes does) by `a`, since a suffix will follow.
    static func maskTrailingDash(_ name: String) -> String {
        let bytes = Array(name.utf8)
        guard bytes.count > 1, bytes.last == UInt8(ascii: "-") else { return name }
        return String(decoding: bytes.dropLast(2), as: UTF8.self) + "a"
    }

    static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !dns1123Label.regex.matches(value) {
            if dns1123Subdomain.regex.matches(value) {
                errors.append("must not contain dots")
            } else {
                errors.append(
                    regexError(
                        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                            + "must start and end with an alphanumeric character", dns1123LabelFormat, "my-name",
                        "123-abc"))
            }
        }
        return errors
    }

    static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        if !dns1123Subdomain.regex.matches(value) {
            errors.append(
                regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                        + "and must start and end with an alphanumeric character", dns1123SubdomainFormat,
                    "example.com"))
        }
        return errors
    }

    static func dns1035Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !dns1035Label.regex.matches(value) {
            errors.append(
                regexError(
                    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                        + "alphabetic character, and end with an alphanumeric character", dns1035LabelFormat,
                    "my-name", "abc-123"))
        }
        return errors
    }

    static let labelKeyMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        + "character"

    /// `content.IsLabelKey` (Kubernetes' qualified name).
    static func labelKey(_ value: String) -> [String] {
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors.append(contentsOf: dns1123Subdomain(parts[0]).map { "prefix part " + $0 })
            }
        default:
            return [
                "a valid label key "
                    + regexError(labelKeyMessage, labelKeyFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 bytes")
        }
        if !labelKey.regex.matches(name) {
            errors.append("name part " + regexError(labelKeyMessage, labelKeyFormat, "MyName", "my.name", "123-abc"))
        }
        return errors
    }

    /// `content.IsLabelValue`.
    static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 bytes") }
        if !labelValue.regex.matches(value) {
            errors.append(
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character", labelValueFormat, "MyValue",
                    "my_value", "12345"))
        }
        return errors
    }

    /// Go's `time.Parse("2006-01-02", s)` succeeds: four-digit year, two-digit month and a day that exists.
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
        guard month >= 1, month <= 12, day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// kube-openapi's `strfmt.IsDateTime`: a date, `t` (any case), then `hh:mm:ss[.frac](z|±hh:mm)` with the
    /// hour at most 23 and minutes and seconds at most 59.
    static func isDateTime(_ text: String) -> Bool {
        guard text.utf8.count >= 4 else { return false }
        let parts = text.lowercased().split(separator: "t", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, isDate(parts[0]) else { return false }
        let time = parts[1]
        guard let match = Self.time.regex.allMatches(in: time).first, match.count > 3,
            let hour = match[1], let minute = match[2], let second = match[3]
        else { return false }
        return time[hour] <= "23" && time[minute] <= "59" && time[second] <= "59"
    }
}
