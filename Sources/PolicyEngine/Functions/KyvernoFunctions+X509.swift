import JMESPath
import JSONValue

/// `x509_decode`: a PEM certificate or certificate request as Go's x509 JSON (see ``X509Decoder``).
/// Errors are Go's/Kyverno's unprefixed messages (`failed to decode PEM block`, ...).
extension KyvernoFunctions {
    static var x509Functions: [JMESPathFunction] {
        [
            function(
                "x509_decode", [.init(.string)], returns: .object,
                "decodes an x.509 certificate to an object. you may also use this in conjunction with `base64_decode` jmespath function to decode a base64-encoded certificate"
            ) {
                arguments throws(JMESPathError) in
                let text = try arguments.string(0)
                do throws(X509Decoder.Failure) {
                    return try X509Decoder.decode(pem: text)
                } catch {
                    throw JMESPathError(.invalidValue, error.message)
                }
            }
        ]
    }
}
