import ContainerImages
import JMESPath
import JSONValue
import KubeValues

/// `image_normalize` (see ``ImageReference``) and `semver_compare` (see ``SemanticVersionRange``).
extension KyvernoFunctions {
    static var imageFunctions: [JMESPathFunction] {
        [
            function("image_normalize", [.init(.string)], returns: .string, "normalizes an image reference") {
                arguments throws(JMESPathError) in
                do {
                    return .string(try ImageReference(parsing: try arguments.string(0)).description)
                } catch let error as JMESPathError {
                    throw error
                } catch let error as ImageReferenceError {
                    throw KyvernoFunctionError.generic("image_normalize", error.message)
                } catch {
                    throw KyvernoFunctionError.generic("image_normalize", "\(error)")
                }
            },
            function(
                "semver_compare", [.init(.string), .init(.string)], returns: .boolean,
                "compares two strings which comply with the semantic versioning schema and outputs a boolean response as to the position of the second relative to the first"
            ) {
                arguments throws(JMESPathError) in
                let versionText = try arguments.string(0)
                let rangeText = try arguments.string(1)
                // Kyverno ignores a version parse error: the version is then 0.0.0.
                let version =
                    (try? SemanticVersion(parsing: versionText)) ?? SemanticVersion(major: 0, minor: 0, patch: 0)
                do throws(SemanticVersionError) {
                    return .bool(try SemanticVersionRange(parsing: rangeText).contains(version))
                } catch {
                    throw JMESPathError(.invalidValue, error.message)
                }
            },
        ]
    }
}
