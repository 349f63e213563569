import JMESPath
import JSONValue

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `is_external_url`: whether a URL's host is neither loopback nor private.
///
/// IP literals are checked directly (IPv4 `127/8`, `10/8`, `172.16/12`, `192.168/16`; IPv6 `::1`,
/// `fc00::/7`; IPv4-mapped IPv6 as IPv4). A host name is resolved with `getaddrinfo`, which **blocks**
/// the calling thread on DNS, as Kyverno does; the name is external only when no address is loopback
/// or private.
extension KyvernoFunctions {
    static var urlFunctions: [JMESPathFunction] {
        [
            function(
                "is_external_url", [.init(.string)], returns: .boolean,
                "determine if a URL points to an external network address"
            ) { arguments throws(JMESPathError) in
                let host = try URLHost.hostname(of: try arguments.string(0))
                if let address = IPAddress(parsing: host) {
                    return .bool(!(address.isLoopback || address.isPrivate))
                }
                let addresses = try URLHost.resolve(host)
                return .bool(!addresses.contains { $0.isLoopback || $0.isPrivate })
            }
        ]
    }
}

/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into IPv6), like Go's `net.IP`.
struct IPAddress: Equatable {
    var bytes: [UInt8]

    init?(parsing text: String) {
        var storage = in6_addr()
        if text.contains(":") {
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &storage) { Array($0) }
        } else {
            // Go accepts only dotted decimal with four parts and no leading zeros.
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var octets: [UInt8] = []
            for part in parts {
                guard !part.isEmpty, part.count <= 3, part.allSatisfy({ ("0"..."9").contains($0) }),
                    part.count == 1 || part.first != "0", let value = UInt8(part)
                else { return nil }
                octets.append(value)
            }
            bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + octets
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The IPv4 bytes when this is an IPv4 (or IPv4-mapped) address.
    var ipv4: [UInt8]? {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF ? Array(bytes[12...]) : nil
    }

    var isLoopback: Bool {
        if let v4 = ipv4 { return v4[0] == 127 }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    var isPrivate: Bool {
        if let v4 = ipv4 {
            return v4[0] == 10 || (v4[0] == 172 && v4[1] & 0xF0 == 16) || (v4[0] == 192 && v4[1] == 168)
        }
        return bytes[0] & 0xFE == 0xFC
    }
}

enum URLHost {
    /// The host of a URL as Go's `url.Parse(...).Hostname()`: no user info, port or brackets.
    static func hostname(of url: String) throws(JMESPathError) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "" }
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw JMESPathError(.invalidValue, "parse \"\(url)\": missing ']' in host")
            }
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy { ("0"..."9").contains($0) }) else {
                throw JMESPathError(.invalidValue, "parse \"\(url)\": invalid port \"\(rest)\" after host")
            }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") {
            let port = authority[authority.index(after: colon)...]
            guard port.allSatisfy({ ("0"..."9").contains($0) }) else {
                throw JMESPathError(.invalidValue, "parse \"\(url)\": invalid port \":\(port)\" after host")
            }
            authority = authority[..<colon]
        }
        return String(authority)
    }

    /// Resolves a host name with `getaddrinfo` (blocking).
    static func resolve(_ host: String) throws(JMESPathError) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            throw JMESPathError(.invalidValue, "lookup \(host): no such host")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin_addr
                        let octets = withUnsafeBytes(of: &value) { Array($0) }
                        addresses.append(IPAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + octets))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin6_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &value) { Array($0) }))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
