/// Object name rules (apimachinery `validation.IsDNS1123Subdomain`, `IsDNS1123Label`, path segments).
enum NameValidation {
    static let subdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
        + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    /// The problems with a name under a rule; empty when it is valid.
    static func problems(_ name: String, rule: NameRule) -> [String] {
        switch rule {
        case .dnsSubdomain:
            var problems: [String] = []
            if name.utf8.count > 253 { problems.append("must be no more than 253 characters") }
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            if !labels.allSatisfy({ isLabel(Substring($0)) }) { problems.append(subdomainMessage) }
            return problems
        case .dnsLabel:
            var problems: [String] = []
            if name.utf8.count > 63 { problems.append("must be no more than 63 characters") }
            if !isLabel(Substring(name)) {
                // A valid subdomain fails only by its dots, and kube-apiserver says just that.
                let subdomain = name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
                problems.append(subdomain ? "must not contain dots" : labelMessage)
            }
            return problems
        case .pathSegment:
            if name == "." || name == ".." { return ["may not be '\(name)'"] }
            for forbidden in ["/", "%"] where name.contains(forbidden) { return ["may not contain '\(forbidden)'"] }
            return []
        }
    }

    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
        + "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
        + "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    /// The problems with a label value (apimachinery `IsValidLabelValue`); empty when it is valid.
    static func labelValueProblems(_ value: String) -> [String] {
        var problems: [String] = []
        if value.utf8.count > 63 { problems.append("must be no more than 63 bytes") }
        let bytes = Array(value.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        if let first = bytes.first, let last = bytes.last {
            let valid =
                alphanumeric(first) && alphanumeric(last)
                && bytes.allSatisfy {
                    alphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                }
            if !valid { problems.append(labelValueMessage) }
        }
        return problems
    }

    private static func isLabel(_ label: Substring) -> Bool {
        let bytes = Array(label.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        return alphanumeric(first) && alphanumeric(last)
            && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
