import Foundation
import JSONValue

extension LocalAPIServer {
    /// A kubeconfig for this server (YAML text): one cluster, one user with the token (the first configured
    /// one by default) or the client certificate and key (PEM, embedded as `client-certificate-data` and
    /// `client-key-data`), and the current context `vigil-local` with namespace `default`.
    public func kubeconfig(
        token: String? = nil, clientCertificate: (certificatePEM: String, keyPEM: String)? = nil,
        contextName: String = "vigil-local"
    ) -> String {
        let name = JSONValue.string(contextName).serialized()
        var lines = [
            "apiVersion: v1", "kind: Config", "clusters:", "- name: \(name)", "  cluster:",
            "    server: \(JSONValue.string(baseURL).serialized())",
        ]
        if let ca = caCertificatePEM {
            lines.append("    certificate-authority-data: \(Data(ca.utf8).base64EncodedString())")
        }
        lines += ["users:", "- name: \(name)"]
        if let clientCertificate {
            lines += [
                "  user:",
                "    client-certificate-data: \(Data(clientCertificate.certificatePEM.utf8).base64EncodedString())",
                "    client-key-data: \(Data(clientCertificate.keyPEM.utf8).base64EncodedString())",
            ]
        } else if let token = token ?? configuration.tokens.sorted().first {
            lines += ["  user:", "    token: \(JSONValue.string(token).serialized())"]
        } else {
            lines.append("  user: {}")
        }
        lines += [
            "contexts:", "- name: \(name)", "  context:", "    cluster: \(name)", "    user: \(name)",
            "    namespace: default", "current-context: \(name)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``kubeconfig(token:clientCertificate:contextName:)`` to a file (mode 0600), creating its
    /// directory.
    /// - Throws: a file-system error.
    public func writeKubeconfig(
        to path: String, token: String? = nil, clientCertificate: (certificatePEM: String, keyPEM: String)? = nil
    ) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(kubeconfig(token: token, clientCertificate: clientCertificate).utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
