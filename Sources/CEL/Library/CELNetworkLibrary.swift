import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address (`net.IP`) of Kubernetes' IP library: 4 or 16 bytes.
public struct CELIPAddress: CELStringConvertible, Hashable {
    public let bytes: [UInt8]
    public var celTypeName: String { "net.IP" }
    public var family: Int64 { bytes.count == 4 ? 4 : 6 }

    /// Parses as Kubernetes' `ip()` does (Go's netip.ParseAddr): no zones, no IPv4-mapped IPv6.
    public static func parse(_ text: String) -> Result<CELIPAddress, CELError> {
        if text.contains("%") { return .failure(CELError("IP Address with zone value is not allowed")) }
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else {
                return .failure(CELError("IP Address '\(text)' parse error during conversion from string"))
            }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return .failure(CELError("IPv4-mapped IPv6 address is not allowed"))
            }
            return .success(CELIPAddress(bytes: bytes))
        }
        // Go's parser refuses leading zeros ("010.0.0.1"), which inet_pton accepts on some systems.
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4,
            parts.allSatisfy({ $0.count >= 1 && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            )
        else { return .failure(CELError("IP Address '\(text)' parse error during conversion from string")) }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part), part.count == 1 || part.first != "0" else {
                return .failure(CELError("IP Address '\(text)' parse error during conversion from string"))
            }
            bytes.append(value)
        }
        return .success(CELIPAddress(bytes: bytes))
    }

    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func isEqual(to other: any CELOpaqueValue) -> Bool { (other as? CELIPAddress) == self }

    /// The address with every bit after the first `length` cleared.
    func masked(_ length: Int) -> CELIPAddress {
        var result = bytes
        for index in result.indices {
            let keep = max(0, min(8, length - index * 8))
            result[index] &= keep == 8 ? 0xFF : ~(0xFF >> UInt8(keep))
        }
        return CELIPAddress(bytes: result)
    }
}

/// A network (`net.CIDR`) of Kubernetes' CIDR library: an address and a prefix length.
public struct CELCIDR: CELStringConvertible, Hashable {
    public let address: CELIPAddress
    public let prefixLength: Int
    public var celTypeName: String { "net.CIDR" }

    public static func parse(_ text: String) -> Result<CELCIDR, CELError> {
        if text.contains("%") { return .failure(CELError("CIDR with zone value is not allowed")) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), length >= 0 else {
            return .failure(CELError("network address parse error during conversion from string: \(text)"))
        }
        switch CELIPAddress.parse(String(parts[0])) {
        case .failure(let error):
            if error.message.hasPrefix("IPv4-mapped") { return .failure(error) }
            return .failure(CELError("network address parse error during conversion from string: \(text)"))
        case .success(let address):
            guard length <= address.bytes.count * 8 else {
                return .failure(CELError("network address parse error during conversion from string: \(text)"))
            }
            return .success(CELCIDR(address: address, prefixLength: length))
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    public func isEqual(to other: any CELOpaqueValue) -> Bool { (other as? CELCIDR) == self }

    public func contains(_ ip: CELIPAddress) -> Bool {
        ip.bytes.count == address.bytes.count && ip.masked(prefixLength) == address.masked(prefixLength)
    }

    public func contains(_ other: CELCIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }
}

/// Kubernetes' IP and CIDR libraries (`library.IP`, `library.CIDR`): `ip`, `isIP`, `ip.isCanonical`,
/// `family`, `isUnspecified`, `isLoopback`, `isLinkLocalMulticast`, `isLinkLocalUnicast`,
/// `isGlobalUnicast`, `cidr`, `isCIDR`, `containsIP`, `containsCIDR`, `ip()`, `masked`, `prefixLength`,
/// and `string()` of both. IPv4-mapped IPv6 addresses and zones are refused, as Kubernetes does.
public struct CELNetworkLibrary: CELLibrary {
    public init() {}

    static let ipKind = CELKind.opaque("net.IP")
    static let cidrKind = CELKind.opaque("net.CIDR")

    static func ip(_ value: CELValue) -> CELIPAddress? {
        if case .opaque(let opaque) = value { return opaque as? CELIPAddress }
        return nil
    }

    static func cidr(_ value: CELValue) -> CELCIDR? {
        if case .opaque(let opaque) = value { return opaque as? CELCIDR }
        return nil
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.addType("net.IP")
        registry.addType("net.CIDR")
        registry.add(
            .unary("ip", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("ip")) }
                switch CELIPAddress.parse(text) {
                case .success(let address): return .opaque(address)
                case .failure(let error): return .error(error)
                }
            })
        registry.add(
            .unary("isIP", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("isIP")) }
                if case .success = CELIPAddress.parse(text) { return .bool(true) }
                return .bool(false)
            })
        registry.add(
            .unary("ip.isCanonical", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("ip.isCanonical")) }
                switch CELIPAddress.parse(text) {
                case .success(let address): return .bool(address.description == text)
                case .failure(let error): return .error(error)
                }
            })
        registry.add(.unary("family", receiver: true, Self.ipKind) { .int(Self.ip($0)?.family ?? 0) })
        let predicates: [(String, @Sendable (CELIPAddress) -> Bool)] = [
            ("isUnspecified", { $0.bytes.allSatisfy { $0 == 0 } }),
            (
                "isLoopback",
                { $0.bytes.count == 4 ? $0.bytes[0] == 127 : $0.bytes == Array(repeating: 0, count: 15) + [1] }
            ),
            (
                "isLinkLocalMulticast",
                {
                    $0.bytes.count == 4
                        ? $0.bytes[0] == 224 && $0.bytes[1] == 0 && $0.bytes[2] == 0
                        : $0.bytes[0] == 0xFF && $0.bytes[1] & 0x0F == 0x02
                }
            ),
            (
                "isLinkLocalUnicast",
                {
                    $0.bytes.count == 4
                        ? $0.bytes[0] == 169 && $0.bytes[1] == 254 : $0.bytes[0] == 0xFE && $0.bytes[1] & 0xC0 == 0x80
                }
            ),
            ("isGlobalUnicast", Self.isGlobalUnicast),
        ]
        for (name, predicate) in predicates {
            registry.add(
                .unary(name, receiver: true, Self.ipKind) { value in
                    guard let address = Self.ip(value) else { return .error(.noMatchingOverload(name)) }
                    return .bool(predicate(address))
                })
        }
        registerCIDR(into: &registry)
    }

    /// Go's netip.Addr.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast.
    static func isGlobalUnicast(_ address: CELIPAddress) -> Bool {
        let bytes = address.bytes
        if bytes.count == 4 {
            if bytes == [255, 255, 255, 255] || bytes == [0, 0, 0, 0] { return false }
            return bytes[0] != 127 && bytes[0] < 224 && !(bytes[0] == 169 && bytes[1] == 254)
        }
        if bytes.allSatisfy({ $0 == 0 }) || bytes == Array(repeating: 0, count: 15) + [1] { return false }
        return bytes[0] != 0xFF && !(bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80)
    }

    private func registerCIDR(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("cidr", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("cidr")) }
                switch CELCIDR.parse(text) {
                case .success(let network): return .opaque(network)
                case .failure(let error): return .error(error)
                }
            })
        registry.add(
            .unary("isCIDR", .string) { value in
                guard case .string(let text) = value else { return .error(.noMatchingOverload("isCIDR")) }
                if case .success = CELCIDR.parse(text) { return .bool(true) }
                return .bool(false)
            })
        registry.add(
            .unary("ip", receiver: true, Self.cidrKind) { value in Self.cidr(value).map { .opaque($0.address) } ?? value
            })
        registry.add(
            .unary("masked", receiver: true, Self.cidrKind) { value in
                guard let network = Self.cidr(value) else { return .error(.noMatchingOverload("masked")) }
                return .opaque(
                    CELCIDR(address: network.address.masked(network.prefixLength), prefixLength: network.prefixLength))
            })
        registry.add(
            .unary("prefixLength", receiver: true, Self.cidrKind) { .int(Int64(Self.cidr($0)?.prefixLength ?? 0)) })
        for kind in [Self.ipKind, CELKind.string] {
            registry.add(
                .binary("containsIP", receiver: true, Self.cidrKind, kind) { network, address in
                    guard let network = Self.cidr(network) else { return .error(.noMatchingOverload("containsIP")) }
                    if let ip = Self.ip(address) { return .bool(network.contains(ip)) }
                    guard case .string(let text) = address else { return .error(.noMatchingOverload("containsIP")) }
                    switch CELIPAddress.parse(text) {
                    case .success(let ip): return .bool(network.contains(ip))
                    case .failure(let error): return .error(error)
                    }
                })
        }
        for kind in [Self.cidrKind, CELKind.string] {
            registry.add(
                .binary("containsCIDR", receiver: true, Self.cidrKind, kind) { network, other in
                    guard let network = Self.cidr(network) else { return .error(.noMatchingOverload("containsCIDR")) }
                    if let inner = Self.cidr(other) { return .bool(network.contains(inner)) }
                    guard case .string(let text) = other else { return .error(.noMatchingOverload("containsCIDR")) }
                    switch CELCIDR.parse(text) {
                    case .success(let inner): return .bool(network.contains(inner))
                    case .failure(let error): return .error(error)
                    }
                })
        }
    }
}
