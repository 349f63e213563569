/// A container image reference (`registry/path:tag@digest`) parsed with the grammar of
/// `github.com/distribution/reference`, and normalised as Kyverno's image utilities do (the `images`
/// variable and `image_normalize`). See ``RegistryReference`` for the normalisation registry lookups use.
///
/// Kyverno adds the default registry (`docker.io`) when the first path component is not a registry
/// (no `.` or `:`, not `localhost`, lower case), does **not** add `library/`, and defaults the tag to
/// `latest` when there is neither tag nor digest.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (and port), e.g. `docker.io`, `ghcr.io`, `localhost:5000`.
    public var registry: String
    /// The repository path, e.g. `nginx`, `library/nginx`, `org/team/app`.
    public var path: String
    /// The tag; empty when the reference has a digest and no tag.
    public var tag: String
    /// The digest, e.g. `sha256:…`, or empty.
    public var digest: String

    /// The last path component, e.g. `nginx`.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// `registry/path@digest` when there is a digest, `registry/path:tag` otherwise (Kyverno's
    /// `ImageInfo.String()`).
    public var description: String {
        let image = registry.isEmpty ? path : "\(registry)/\(path)"
        return digest.isEmpty ? "\(image):\(tag)" : "\(image)@\(digest)"
    }

    /// The registry Kyverno adds to references without one.
    public static let defaultRegistry = "docker.io"
    static let maximumNameLength = 255

    /// Parses and normalises an image reference as Kyverno's `GetImageInfo` does.
    /// - Throws: ``ImageReferenceError`` with Kyverno's message
    ///   (`bad image: docker.io/, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format`).
    public init(parsing image: String, defaultRegistry: String = ImageReference.defaultRegistry)
        throws(ImageReferenceError)
    {
        let full = Self.addingDefaultRegistry(image, defaultRegistry)
        do {
            self = try Self.parseReference(full)
        } catch {
            throw ImageReferenceError(
                message:
                    "bad image: \(full), defaultRegistry: \(defaultRegistry), enableDefaultRegistryMutation: true: \(error.message)"
            )
        }
        if digest.isEmpty, tag.isEmpty { tag = "latest" }
    }

    /// Creates a reference from parts that are already valid.
    public init(registry: String, path: String, tag: String, digest: String) {
        self.registry = registry
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// `registry/name` when the first path component is not a registry (no `.` or `:`, not `localhost`,
    /// lower case); the name unchanged otherwise.
    public static func addingDefaultRegistry(_ name: String, _ registry: String) -> String {
        guard let slash = name.firstIndex(of: "/") else { return "\(registry)/\(name)" }
        let first = name[..<slash]
        if !first.contains(where: { $0 == "." || $0 == ":" }), first != "localhost", first.lowercased() == first {
            return "\(registry)/\(name)"
        }
        return name
    }

    /// distribution/reference's `Parse`.
    static func parseReference(_ text: String) throws(ImageReferenceError) -> ImageReference {
        if let reference = match(text) {
            if reference.registry.count + (reference.registry.isEmpty ? 0 : 1) + reference.path.count
                > maximumNameLength
            {
                throw ImageReferenceError(message: "repository name must not be more than 255 characters")
            }
            if !reference.digest.isEmpty { try validateDigest(reference.digest) }
            return reference
        }
        if text.isEmpty { throw ImageReferenceError(message: "repository name must have at least one component") }
        if match(text.lowercased()) != nil { throw ImageReferenceError(message: "repository name must be lowercase") }
        throw ImageReferenceError(message: "invalid reference format")
    }

    private static func match(_ text: String) -> ImageReference? {
        var remainder = Substring(text)
        var digest = ""
        if let at = remainder.firstIndex(of: "@") {
            digest = String(remainder[remainder.index(after: at)...])
            guard isDigestPattern(digest) else { return nil }
            remainder = remainder[..<at]
        }
        var tag = ""
        if let colon = remainder.lastIndex(of: ":"), !remainder[colon...].contains("/") {
            tag = String(remainder[remainder.index(after: colon)...])
            guard isTag(tag) else { return nil }
            remainder = remainder[..<colon]
        }
        var components = remainder.split(separator: "/", omittingEmptySubsequences: false)
        var registry = ""
        if components.count > 1, isDomainAndPort(components[0]) {
            registry = String(components.removeFirst())
        }
        guard !components.isEmpty, components.allSatisfy(isPathComponent) else { return nil }
        return ImageReference(registry: registry, path: components.joined(separator: "/"), tag: tag, digest: digest)
    }

    private static func isLowerAlphanumeric(_ c: Character) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c)
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    private static func isPathComponent(_ text: Substring) -> Bool {
        let characters = Array(text)
        guard let first = characters.first, isLowerAlphanumeric(first), let last = characters.last,
            isLowerAlphanumeric(last)
        else { return false }
        var index = 0
        while index < characters.count {
            if isLowerAlphanumeric(characters[index]) {
                index += 1
                continue
            }
            // A separator: ".", "_", "__" or a run of "-".
            var end = index
            if characters[index] == "-" {
                while end < characters.count, characters[end] == "-" { end += 1 }
            } else if characters[index] == "." {
                end += 1
            } else if characters[index] == "_" {
                end += 1
                if end < characters.count, characters[end] == "_" { end += 1 }
            } else {
                return false
            }
            guard end < characters.count, isLowerAlphanumeric(characters[end]) else { return false }
            index = end
        }
        return true
    }

    /// `host(:port)?`, host a dotted DNS name or a bracketed IPv6 address.
    private static func isDomainAndPort(_ text: Substring) -> Bool {
        var host = text
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let address = host[host.index(after: host.startIndex)..<close]
            guard !address.isEmpty, address.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return false }
            host = host[host.index(after: close)...]
            if host.isEmpty { return true }
            guard host.first == ":" else { return false }
            let port = host.dropFirst()
            return !port.isEmpty && port.allSatisfy { ("0"..."9").contains($0) }
        }
        if let colon = host.firstIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ ("0"..."9").contains($0) }) else { return false }
            host = host[..<colon]
        }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            func alphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
            return alphanumeric(first) && alphanumeric(last) && label.allSatisfy { alphanumeric($0) || $0 == "-" }
        }
    }

    /// `[\w][\w.-]{0,127}`
    private static func isTag(_ tag: String) -> Bool {
        func word(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        guard let first = tag.first, word(first), tag.count <= 128 else { return false }
        return tag.allSatisfy { word($0) || $0 == "." || $0 == "-" }
    }

    /// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
    private static func isDigestPattern(_ digest: String) -> Bool {
        guard let colon = digest.firstIndex(of: ":") else { return false }
        let algorithm = digest[..<colon]
        let encoded = digest[digest.index(after: colon)...]
        guard encoded.count >= 32, encoded.allSatisfy(\.isHexDigit) else { return false }
        return algorithm.split(separator: "-", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: "_", omittingEmptySubsequences: false)
        }.flatMap { $0.split(separator: "+", omittingEmptySubsequences: false) }
            .flatMap { $0.split(separator: ".", omittingEmptySubsequences: false) }
            .allSatisfy { part in
                guard let first = part.first, first.isASCII, first.isLetter else { return false }
                return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
    }

    /// go-digest's validation of known algorithms.
    private static func validateDigest(_ digest: String) throws(ImageReferenceError) {
        guard let colon = digest.firstIndex(of: ":") else { return }
        let lengths = ["sha256": 64, "sha384": 96, "sha512": 128]
        guard let length = lengths[String(digest[..<colon])] else {
            throw ImageReferenceError(message: "unsupported digest algorithm")
        }
        let encoded = digest[digest.index(after: colon)...]
        guard encoded.count == length else { throw ImageReferenceError(message: "invalid checksum digest length") }
        guard encoded.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw ImageReferenceError(message: "invalid checksum digest format")
        }
    }
}

/// An image reference that does not parse, with Kyverno's message.
public struct ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the reference does not parse.
    public var message: String
    public var description: String { message }

    /// Creates an error with a message.
    public init(message: String) {
        self.message = message
    }
}
