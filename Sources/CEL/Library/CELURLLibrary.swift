import OrderedCollections

/// A URL as Go's `net/url` parses it, as far as Kubernetes' URL library and `format.uri()` need:
/// `ParseRequestURI` (absolute URI or absolute path) and `Parse`, the parts, `EscapedPath`, `Query` and
/// `String`. Works on bytes, as Go does.
struct GoURL: Sendable, Equatable {
    var scheme = ""
    var opaque = ""
    var userinfo: String?
    var host = ""
    var path = ""
    var rawPath = ""
    var omitHost = false
    var forceQuery = false
    var rawQuery = ""
    var fragment = ""
    var rawFragment = ""

    struct ParseError: Error {
        var message: String
    }

    /// Go's `url.ParseRequestURI`; the error text is Go's (`parse "x": invalid URI for request`).
    static func parseRequestURI(_ text: String) -> Result<GoURL, ParseError> {
        parse(Array(text.utf8), viaRequest: true).mapError {
            ParseError(message: "parse \(quote(text)): \($0.message)")
        }
    }

    /// Go's `url.Parse`: the fragment is cut off first.
    static func parse(_ text: String) -> Result<GoURL, ParseError> {
        let bytes = Array(text.utf8)
        let hash = bytes.firstIndex(of: UInt8(ascii: "#"))
        let main = hash.map { Array(bytes[..<$0]) } ?? bytes
        switch parse(main, viaRequest: false) {
        case .failure(let error):
            return .failure(
                ParseError(message: "parse \(quote(String(decoding: main, as: UTF8.self))): \(error.message)"))
        case .success(var url):
            guard let hash else { return .success(url) }
            let fragment = Array(bytes[(hash + 1)...])
            switch unescape(fragment, .fragment) {
            case .failure(let error): return .failure(ParseError(message: "parse \(quote(text)): \(error.message)"))
            case .success(let decoded):
                url.fragment = decoded
                url.rawFragment =
                    escape(Array(decoded.utf8), .fragment) == String(decoding: fragment, as: UTF8.self)
                    ? "" : String(decoding: fragment, as: UTF8.self)
            }
            return .success(url)
        }
    }

    /// Quotes input in an error message as Go's `%q` does.
    static func quote(_ text: String) -> String {
        CELStringsLibrary.quote(text, hexControls: true)
    }

    private static func parse(_ raw: [UInt8], viaRequest: Bool) -> Result<GoURL, ParseError> {
        if raw.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .failure(ParseError(message: "net/url: invalid control character in URL"))
        }
        if raw.isEmpty, viaRequest { return .failure(ParseError(message: "empty url")) }
        var url = GoURL()
        if raw == Array("*".utf8) {
            url.path = "*"
            return .success(url)
        }
        var rest = raw
        // The scheme: letters, then letters, digits, `+`, `-`, `.`, up to a colon.
        schemeLoop: for (index, byte) in raw.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if index == 0 { break schemeLoop }
            case UInt8(ascii: ":"):
                if index == 0 { return .failure(ParseError(message: "missing protocol scheme")) }
                url.scheme = String(decoding: raw[..<index], as: UTF8.self).lowercased()
                rest = Array(raw[(index + 1)...])
                break schemeLoop
            default: break schemeLoop
            }
        }
        let question = UInt8(ascii: "?")
        if rest.last == question, rest.filter({ $0 == question }).count == 1 {
            url.forceQuery = true
            rest.removeLast()
        } else if let index = rest.firstIndex(of: question) {
            url.rawQuery = String(decoding: rest[(index + 1)...], as: UTF8.self)
            rest = Array(rest[..<index])
        }
        let slash = UInt8(ascii: "/")
        if rest.first != slash {
            if !url.scheme.isEmpty {
                url.opaque = String(decoding: rest, as: UTF8.self)
                return .success(url)
            }
            if viaRequest { return .failure(ParseError(message: "invalid URI for request")) }
            let segment = rest.split(separator: slash, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            if segment.contains(UInt8(ascii: ":")) {
                return .failure(ParseError(message: "first path segment in URL cannot contain colon"))
            }
        }
        let startsWithTwo = rest.count >= 2 && rest[0] == slash && rest[1] == slash
        let startsWithThree = startsWithTwo && rest.count >= 3 && rest[2] == slash
        if (!url.scheme.isEmpty || !viaRequest && !startsWithThree) && startsWithTwo {
            var authority = Array(rest[2...])
            rest = []
            if let index = authority.firstIndex(of: slash) {
                rest = Array(authority[index...])
                authority = Array(authority[..<index])
            }
            switch parseAuthority(authority) {
            case .failure(let error): return .failure(error)
            case .success(let (userinfo, host)):
                url.userinfo = userinfo
                url.host = host
            }
        } else if !url.scheme.isEmpty, rest.first == slash {
            url.omitHost = true
        }
        switch unescape(rest, .path) {
        case .failure(let error): return .failure(error)
        case .success(let path):
            url.path = path
            let text = String(decoding: rest, as: UTF8.self)
            url.rawPath = escape(Array(path.utf8), .path) == text ? "" : text
        }
        return .success(url)
    }

    private static func parseAuthority(_ authority: [UInt8]) -> Result<(String?, String), ParseError> {
        let at = authority.lastIndex(of: UInt8(ascii: "@"))
        let hostPart = at.map { Array(authority[($0 + 1)...]) } ?? authority
        let host: String
        switch parseHost(hostPart) {
        case .failure(let error): return .failure(error)
        case .success(let value): host = value
        }
        guard let at else { return .success((nil, host)) }
        let userinfo = Array(authority[..<at])
        let allowed = Set("-._:~!$&'()*+,;=%@".utf8)
        for byte in userinfo where !(isAlphanumeric(byte) || allowed.contains(byte)) {
            return .failure(ParseError(message: "net/url: invalid userinfo"))
        }
        let parts = userinfo.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
        for part in parts {
            if case .failure(let error) = unescape(Array(part), .userPassword) { return .failure(error) }
        }
        return .success((String(decoding: userinfo, as: UTF8.self), host))
    }

    private static func parseHost(_ host: [UInt8]) -> Result<String, ParseError> {
        if host.first == UInt8(ascii: "[") {
            guard let close = host.lastIndex(of: UInt8(ascii: "]")) else {
                return .failure(ParseError(message: "missing ']' in host"))
            }
            let colonPort = Array(host[(close + 1)...])
            if !validOptionalPort(colonPort) {
                return .failure(
                    ParseError(message: "invalid port \(quote(String(decoding: colonPort, as: UTF8.self))) after host"))
            }
            // Only an IPv6 address may be bracketed (Go 1.25+).
            var literal = Array(host[1..<close])
            if let zone = findSubsequence(Array("%25".utf8), in: literal) { literal = Array(literal[..<zone]) }
            guard case .success(let address) = CELIPAddress.parse(String(decoding: literal, as: UTF8.self)),
                address.bytes.count == 16
            else {
                return .failure(ParseError(message: "invalid IP-literal"))
            }
        } else if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            let colonPort = Array(host[colon...])
            if !validOptionalPort(colonPort) {
                return .failure(
                    ParseError(message: "invalid port \(quote(String(decoding: colonPort, as: UTF8.self))) after host"))
            }
        }
        return unescape(host, .host)
    }

    private static func findSubsequence(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle
        {
            return start
        }
        return nil
    }

    static func validOptionalPort(_ port: [UInt8]) -> Bool {
        if port.isEmpty { return true }
        guard port[0] == UInt8(ascii: ":") else { return false }
        return port.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    enum Encoding { case path, host, userPassword, queryComponent, fragment }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Go's `shouldEscape`.
    static func shouldEscape(_ byte: UInt8, _ mode: Encoding) -> Bool {
        if isAlphanumeric(byte) { return false }
        if mode == .host {
            if Array("!$&'()*+,;=:[]<>\"".utf8).contains(byte) { return false }
        }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"): return false
        case UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "/"),
            UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "@"):
            switch mode {
            case .userPassword:
                return byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?")
                    || byte == UInt8(ascii: ":")
            case .queryComponent: return true
            case .fragment: return false
            case .path: return byte == UInt8(ascii: "?")
            case .host: break
            }
        default: break
        }
        if mode == .fragment, Array("!()*".utf8).contains(byte) { return false }
        return true
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    static func unhex(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        default: byte - 0x41 + 10
        }
    }

    /// Go's `unescape`: `%XX` decoding with its checks (hosts take `%` only for non-ASCII bytes and `%25`,
    /// and refuse characters that need escaping); `+` is a space in a query component.
    static func unescape(_ bytes: [UInt8], _ mode: Encoding) -> Result<String, ParseError> {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else {
                    let bad = String(decoding: bytes[index..<min(bytes.count, index + 3)], as: UTF8.self)
                    return .failure(ParseError(message: "invalid URL escape \(quote(bad))"))
                }
                let value = unhex(bytes[index + 1]) << 4 | unhex(bytes[index + 2])
                if mode == .host, unhex(bytes[index + 1]) < 8, value != 0x25 {
                    let bad = String(decoding: bytes[index..<(index + 3)], as: UTF8.self)
                    return .failure(ParseError(message: "invalid URL escape \(quote(bad))"))
                }
                output.append(value)
                index += 3
            case UInt8(ascii: "+"):
                output.append(mode == .queryComponent ? UInt8(ascii: " ") : byte)
                index += 1
            default:
                if mode == .host, byte < 0x80, shouldEscape(byte, mode) {
                    let bad = String(decoding: [byte], as: UTF8.self)
                    return .failure(ParseError(message: "invalid character \(quote(bad)) in host name"))
                }
                output.append(byte)
                index += 1
            }
        }
        return .success(String(decoding: output, as: UTF8.self))
    }

    /// Go's `escape` (upper-case hex; a space is `+` only in a query component).
    static func escape(_ bytes: [UInt8], _ mode: Encoding) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: " "), mode == .queryComponent {
                output.append(UInt8(ascii: "+"))
            } else if shouldEscape(byte, mode) {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            } else {
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Go's `EscapedPath`.
    var escapedPath: String {
        if !rawPath.isEmpty, Self.validEncodedPath(Array(rawPath.utf8)),
            case .success(let decoded) = Self.unescape(Array(rawPath.utf8), .path), decoded == path
        {
            return rawPath
        }
        if path == "*" { return "*" }
        return Self.escape(Array(path.utf8), .path)
    }

    static func validEncodedPath(_ bytes: [UInt8]) -> Bool {
        let allowed = Set("!$&'()*+,;=:@[]%".utf8)
        return bytes.allSatisfy { allowed.contains($0) || !shouldEscape($0, .path) }
    }

    /// Go's `Hostname` (`[::1]:80` → `::1`).
    var hostname: String { splitHostPort.host }

    /// Go's `Port`.
    var port: String { splitHostPort.port }

    private var splitHostPort: (host: String, port: String) {
        var host = Array(self.host.utf8)
        var port: [UInt8] = []
        if let colon = host.lastIndex(of: UInt8(ascii: ":")), Self.validOptionalPort(Array(host[colon...])) {
            port = Array(host[(colon + 1)...])
            host = Array(host[..<colon])
        }
        if host.first == UInt8(ascii: "["), host.last == UInt8(ascii: "]"), host.count >= 2 {
            host = Array(host[1..<(host.count - 1)])
        }
        return (String(decoding: host, as: UTF8.self), String(decoding: port, as: UTF8.self))
    }

    /// Go's `Query()`: `&`-separated pairs, keys with `;` and pairs that fail to unescape dropped.
    var query: OrderedDictionary<String, [String]> {
        var result = OrderedDictionary<String, [String]>()
        for pair in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if pair.contains(UInt8(ascii: ";")) { continue }
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard case .success(let key) = Self.unescape(Array(parts[0]), .queryComponent),
                case .success(let value) = Self.unescape(parts.count > 1 ? Array(parts[1]) : [], .queryComponent)
            else { continue }
            result[key, default: []].append(value)
        }
        return result
    }

    /// Go's `URL.String()`.
    var string: String {
        var result = ""
        if !scheme.isEmpty { result += scheme + ":" }
        if !opaque.isEmpty {
            result += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || userinfo != nil {
                if !(omitHost && host.isEmpty && userinfo == nil) {
                    if !host.isEmpty || !path.isEmpty || userinfo != nil { result += "//" }
                    if let userinfo { result += userinfo + "@" }
                    if !host.isEmpty { result += Self.escape(Array(host.utf8), .host) }
                }
            }
            let path = escapedPath
            if let first = path.first, first != "/", !host.isEmpty { result += "/" }
            if result.isEmpty, let segment = path.split(separator: "/", omittingEmptySubsequences: false).first,
                segment.contains(":")
            {
                result += "./"
            }
            result += path
        }
        if forceQuery || !rawQuery.isEmpty { result += "?" + rawQuery }
        if !fragment.isEmpty {
            result += "#" + (rawFragment.isEmpty ? Self.escape(Array(fragment.utf8), .fragment) : rawFragment)
        }
        return result
    }
}

/// A URL as a CEL value (`kubernetes.URL`), equal when their Go string forms are.
public struct CELURL: CELOpaqueValue {
    let url: GoURL
    public var celTypeName: String { "kubernetes.URL" }
    public var description: String { url.string }

    public func isEqual(to other: any CELOpaqueValue) -> Bool {
        (other as? CELURL).map { $0.url.string == url.string } ?? false
    }
}

/// Kubernetes' URL library (`library.URLs`, urls.go): `url(string)` and `isURL(string)` (Go's
/// `url.ParseRequestURI`: an absolute URI or an absolute path), `getScheme`, `getHost`, `getHostname`,
/// `getPort`, `getEscapedPath` and `getQuery` (a map of lists, values unescaped).
public struct CELURLLibrary: CELLibrary {
    public init() {}

    static let kind = CELKind.opaque("kubernetes.URL")

    static func url(_ value: CELValue) -> GoURL? {
        if case .opaque(let opaque) = value { return (opaque as? CELURL)?.url }
        return nil
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("url", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("url")) }
                if case .failure(let error) = GoURL.parseRequestURI(text) {
                    return .error(CELError("URL parse error during conversion from string: \(error.message)"))
                }
                switch GoURL.parse(text) {
                case .success(let url): return .opaque(CELURL(url: url))
                case .failure(let error):
                    return .error(CELError("URL parse error during conversion from string: \(error.message)"))
                }
            })
        registry.add(
            .unary("isURL", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("isURL")) }
                if case .success = GoURL.parseRequestURI(text) { return .bool(true) }
                return .bool(false)
            })
        let getters: [(String, @Sendable (GoURL) -> String)] = [
            ("getScheme", \.scheme), ("getHost", \.host), ("getHostname", \.hostname), ("getPort", \.port),
            ("getEscapedPath", \.escapedPath),
        ]
        for (name, getter) in getters {
            registry.add(
                .unary(name, receiver: true, Self.kind) { value in
                    guard let url = Self.url(value) else { return .error(.noMatchingOverload(name)) }
                    return .string(getter(url))
                })
        }
        registry.add(
            .unary("getQuery", receiver: true, Self.kind) { value in
                guard let url = Self.url(value) else { return .error(.noMatchingOverload("getQuery")) }
                var entries = OrderedDictionary<CELMapKey, CELValue>()
                for (key, values) in url.query {
                    entries[.string(key)] = .list(CELList(values.map { .string($0) }))
                }
                return .map(CELMap(entries))
            })
    }
}
