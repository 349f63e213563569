import JMESPath
import JSONValue

/// `x509_decode`: a PEM certificate or certificate request as Go's x509 JSON (see ``X509Decoder``).
/// Errors are Go's/Kyverno's unprefixed messages (`failed to decode PEM block`, ...).
extension KyvernoFunctions {
    static var x509Functions: [JMESPathFunction] {
        [
            decoding(
                "x509_decode", returns: .object,
                "decodes an x.509 certificate to an object. you may also use this in conjunction with `base64_decode` jmespath function to decode a base64-encoded certificate"
            ) { text in try X509Decoder.decode(pem: text) }
        ]
    }
}
