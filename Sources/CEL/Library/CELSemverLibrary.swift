import KubeValues

/// A semantic version as a CEL value (`kubernetes.Semver`), parsed as blang/semver v4 does
/// (``KubeValues/SemanticVersion``). Equal by precedence: build metadata is ignored.
public struct CELSemver: CELOpaqueValue {
    public let version: SemanticVersion
    public var celTypeName: String { "kubernetes.Semver" }
    public var description: String { version.description }

    public init(_ version: SemanticVersion) { self.version = version }

    public func isEqual(to other: any CELOpaqueValue) -> Bool {
        (other as? CELSemver).map { $0.version == version } ?? false
    }
}

/// Kubernetes' semver library at version 1 (`library.SemverLib`, semverlib.go): `semver(string)`,
/// `semver(string, normalize)`, `isSemver` (both forms), `major`, `minor`, `patch`, `compareTo`,
/// `isGreaterThan`, `isLessThan`.
public struct CELSemverLibrary: CELLibrary {
    public init() {}

    static let kind = CELKind.opaque("kubernetes.Semver")

    static func version(_ value: CELValue) -> SemanticVersion? {
        if case .opaque(let opaque) = value { return (opaque as? CELSemver)?.version }
        return nil
    }

    /// blang/semver's `Parse`, after Kubernetes' `normalizeAndParse` when `normalize` is set: a leading `v`
    /// dropped, leading zeros of each of the first three dot-separated parts removed, and a missing minor
    /// or patch filled with 0 (refused when that short version carries a prerelease or build).
    static func parse(_ text: String, normalize: Bool) -> Result<SemanticVersion, CELError> {
        var text = text
        if normalize {
            if text.hasPrefix("v") { text.removeFirst() }
            var parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            for (index, part) in parts.enumerated() where part.utf8.count > 1 {
                var trimmed = Substring(part).drop { $0 == "0" }
                if trimmed.isEmpty || !"0123456789".contains(trimmed.first!) { trimmed = "0" + trimmed }
                parts[index] = String(trimmed)
            }
            if parts.count < 3 {
                if parts[parts.count - 1].contains(where: { $0 == "+" || $0 == "-" }) {
                    return .failure(CELError("short version cannot contain PreRelease/Build meta data"))
                }
                while parts.count < 3 { parts.append("0") }
            }
            text = parts.joined(separator: ".")
        }
        do throws(SemanticVersionError) {
            return .success(try SemanticVersion(parsing: text))
        } catch {
            return .failure(CELError(error.description))
        }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        for withFlag in [false, true] {
            let kinds: [CELKind] = withFlag ? [.string, .bool] : [.string]
            registry.add(
                CELOverload(
                    "semver", kinds,
                    body: .variadic { values in
                        guard case .string(let text) = values[0] else { return .error(.noMatchingOverload("semver")) }
                        let normalize = if case .bool(true)? = values.dropFirst().first { true } else { false }
                        switch Self.parse(text, normalize: normalize) {
                        case .success(let version): return .opaque(CELSemver(version))
                        case .failure(let error): return .error(error)
                        }
                    }))
            registry.add(
                CELOverload(
                    "isSemver", kinds,
                    body: .variadic { values in
                        guard case .string(let text) = values[0] else {
                            return .error(.noMatchingOverload("isSemver"))
                        }
                        let normalize = if case .bool(true)? = values.dropFirst().first { true } else { false }
                        if case .success = Self.parse(text, normalize: normalize) { return .bool(true) }
                        return .bool(false)
                    }))
        }
        let parts: [(String, @Sendable (SemanticVersion) -> UInt64)] = [
            ("major", { $0.major }), ("minor", { $0.minor }), ("patch", { $0.patch }),
        ]
        for (name, part) in parts {
            registry.add(
                .unary(name, receiver: true, Self.kind) { value in
                    guard let version = Self.version(value) else { return .error(.noMatchingOverload(name)) }
                    return .int(Int64(truncatingIfNeeded: part(version)))
                })
        }
        CELComparisons.register(
            into: &registry, kind: Self.kind,
            compare: { left, right in
                guard let left = Self.version(left), let right = Self.version(right) else { return nil }
                return SemanticVersion.compare(left, right)
            })
    }
}
