import Hummingbird
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// The request context: Hummingbird's core context plus the connection, whose TLS handler knows the
/// client certificate.
struct APIRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The request's channel: the connection for HTTP/1.1, a stream of it for HTTP/2.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The user named by the verified client certificate of the connection (its common name), or `nil`
    /// when the client presented none or one without a common name (kube-apiserver authenticates neither).
    /// The TLS handshake has already rejected certificates that do not verify against the client CA.
    func clientCertificateUser() async -> String? {
        let connection = channel.parent ?? channel
        guard let certificate = try? await connection.nioSSL_peerCertificate().get(),
            let parsed = try? Certificate(derEncoded: certificate.toDERBytes())
        else { return nil }
        let names = parsed.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }
        return names.first.map { String(describing: $0.value) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
