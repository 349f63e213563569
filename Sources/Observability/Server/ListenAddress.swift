/// A host and TCP port to listen on, written as Go and Kubernetes components write bind addresses:
/// `:8000` (all IPv4 interfaces), `127.0.0.1:0` (loopback, a free port), `[::1]:8000`, `[::]:8000`
/// (all interfaces, IPv6 and, where the system allows, IPv4), `localhost:8081`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address or host name to bind; `0.0.0.0` for all IPv4 interfaces.
    public var host: String
    /// The TCP port; 0 lets the system pick a free one.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `:8000`, the default metrics address (all interfaces).
    public static let defaultMetrics = ListenAddress(host: "0.0.0.0", port: 8000)
    /// `:8081`, the default health-probe address (all interfaces).
    public static let defaultHealth = ListenAddress(host: "0.0.0.0", port: 8081)

    /// Parses `host:port`, `:port` or `[ipv6]:port`.
    /// - Throws: ``ListenAddressError`` naming what is wrong (missing port, bad port, unbracketed IPv6).
    public init(parsing text: String) throws(ListenAddressError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ListenAddressError(.empty, input: text) }
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                throw ListenAddressError(.unterminatedBracket, input: text)
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ListenAddressError(.missingPort, input: text) }
            portText = rest.dropFirst()
            guard !host.isEmpty else { throw ListenAddressError(.invalidHost, input: text) }
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else {
                throw ListenAddressError(.missingPort, input: text)
            }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
            if host.contains(":") { throw ListenAddressError(.unbracketedIPv6, input: text) }
            if host.contains(where: { $0 == "/" || $0 == " " || $0 == "[" || $0 == "]" }) {
                throw ListenAddressError(.invalidHost, input: text)
            }
        }
        guard !portText.isEmpty else { throw ListenAddressError(.missingPort, input: text) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 5, let port = Int(portText),
            port <= 65535
        else { throw ListenAddressError(.invalidPort, input: text) }
        self.host = host.isEmpty ? "0.0.0.0" : String(host)
        self.port = port
    }

    /// Parses a command-line value where `0` (or an empty value) turns the listener off, as
    /// controller-runtime's `--metrics-bind-address=0` does; `nil` means off.
    /// - Throws: ``ListenAddressError`` for anything else that is not an address.
    public static func parseFlag(_ text: String) throws(ListenAddressError) -> ListenAddress? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty || trimmed == "0" { return nil }
        return try ListenAddress(parsing: String(trimmed))
    }

    /// `host:port` with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Why a listen address could not be parsed.
public struct ListenAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case empty
        case missingPort
        case invalidPort
        case unbracketedIPv6
        case unterminatedBracket
        case invalidHost
    }

    public var kind: Kind
    /// The text as given.
    public var input: String

    public init(_ kind: Kind, input: String) {
        self.kind = kind
        self.input = input
    }

    public var description: String {
        let reason =
            switch kind {
            case .empty: "it is empty"
            case .missingPort: "it has no port (write host:port, or :port for all interfaces, e.g. \":8000\")"
            case .invalidPort: "the port must be a number from 0 to 65535"
            case .unbracketedIPv6: "an IPv6 address must be in brackets, e.g. \"[::1]:8000\""
            case .unterminatedBracket: "the \"[\" of an IPv6 address is not closed"
            case .invalidHost: "the host is not an address or host name"
            }
        return "invalid listen address \"\(input)\": \(reason)"
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }
}
