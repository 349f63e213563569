/// A semantic version as `blang/semver` v4 parses it (strict `MAJOR.MINOR.PATCH[-pre][+build]`, no `v`
/// prefix, no leading zeros), for Kyverno's `semver_compare`.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum PrereleaseIdentifier: Sendable, Hashable {
        case numeric(UInt64)
        case alphanumeric(String)
    }

    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [PrereleaseIdentifier]
    public var build: [String]

    public init(
        major: UInt64, minor: UInt64, patch: UInt64, prerelease: [PrereleaseIdentifier] = [], build: [String] = []
    ) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    private static let numbers = Set("0123456789")
    private static let alphanumerics = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789")

    /// Parses a version.
    /// - Throws: ``SemanticVersionError`` with blang/semver's message.
    public init(parsing text: String) throws(SemanticVersionError) {
        if text.isEmpty { throw SemanticVersionError("Version string empty") }
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw SemanticVersionError("No Major.Minor.Patch elements found") }
        func number(_ part: Substring, _ label: String) throws(SemanticVersionError) -> UInt64 {
            guard part.allSatisfy(Self.numbers.contains) else {
                throw SemanticVersionError("Invalid character(s) found in \(label) number \"\(part)\"")
            }
            if part.count > 1, part.first == "0" {
                throw SemanticVersionError(
                    "\(label.prefix(1).uppercased() + label.dropFirst()) number must not contain leading zeroes \"\(part)\""
                )
            }
            guard let value = UInt64(part) else {
                throw SemanticVersionError("strconv.ParseUint: parsing \"\(part)\": invalid syntax")
            }
            return value
        }
        major = try number(parts[0], "major")
        minor = try number(parts[1], "minor")
        var patchText = parts[2]
        build = []
        prerelease = []
        if let plus = patchText.firstIndex(of: "+") {
            for identifier in patchText[patchText.index(after: plus)...].split(
                separator: ".", omittingEmptySubsequences: false)
            {
                if identifier.isEmpty { throw SemanticVersionError("Build meta data is empty") }
                guard identifier.allSatisfy(Self.alphanumerics.contains) else {
                    throw SemanticVersionError("Invalid character(s) found in build meta data \"\(identifier)\"")
                }
                build.append(String(identifier))
            }
            patchText = patchText[..<plus]
        }
        var prereleaseText: Substring?
        if let dash = patchText.firstIndex(of: "-") {
            prereleaseText = patchText[patchText.index(after: dash)...]
            patchText = patchText[..<dash]
        }
        patch = try number(patchText, "patch")
        if let prereleaseText {
            for identifier in prereleaseText.split(separator: ".", omittingEmptySubsequences: false) {
                if identifier.isEmpty { throw SemanticVersionError("Prerelease is empty") }
                if identifier.allSatisfy(Self.numbers.contains) {
                    if identifier.count > 1, identifier.first == "0" {
                        throw SemanticVersionError(
                            "Version Prerelease number must not contain leading zeroes \"\(identifier)\"")
                    }
                    guard let value = UInt64(identifier) else {
                        throw SemanticVersionError("strconv.ParseUint: parsing \"\(identifier)\": value out of range")
                    }
                    prerelease.append(.numeric(value))
                } else if identifier.allSatisfy(Self.alphanumerics.contains) {
                    prerelease.append(.alphanumeric(String(identifier)))
                } else {
                    throw SemanticVersionError("Invalid character(s) found in prerelease \"\(identifier)\"")
                }
            }
        }
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty {
            text +=
                "-"
                + prerelease.map { identifier in
                    switch identifier {
                    case .numeric(let value): String(value)
                    case .alphanumeric(let value): value
                    }
                }.joined(separator: ".")
        }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    /// Precedence as semver 2.0 defines it; build metadata is ignored.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Equal precedence (build metadata ignored), as blang/semver's `Equals`.
    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        compare(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    public static func compare(_ lhs: SemanticVersion, _ rhs: SemanticVersion) -> Int {
        for (a, b) in [(lhs.major, rhs.major), (lhs.minor, rhs.minor), (lhs.patch, rhs.patch)] where a != b {
            return a < b ? -1 : 1
        }
        if lhs.prerelease.isEmpty, rhs.prerelease.isEmpty { return 0 }
        if lhs.prerelease.isEmpty { return 1 }
        if rhs.prerelease.isEmpty { return -1 }
        for (a, b) in zip(lhs.prerelease, rhs.prerelease) {
            switch (a, b) {
            case (.numeric(let x), .numeric(let y)) where x != y: return x < y ? -1 : 1
            case (.alphanumeric(let x), .alphanumeric(let y)) where x != y:
                return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1
            case (.numeric, .alphanumeric): return -1
            case (.alphanumeric, .numeric): return 1
            default: continue
            }
        }
        if lhs.prerelease.count == rhs.prerelease.count { return 0 }
        return lhs.prerelease.count < rhs.prerelease.count ? -1 : 1
    }
}

/// A version or range blang/semver rejects, with its message.
public struct SemanticVersionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
