import ArgumentParser
import Foundation
import LocalAPIServer
import Logging
import ServiceLifecycle
import UnixSignals

/// `vigil api-server`: runs the embedded Kubernetes-compatible API server until SIGTERM or SIGINT.
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-server",
        abstract: "Run an in-memory, Kubernetes-compatible API server (for the demo and tests).",
        discussion: """
            Serves discovery, the built-in kinds and any applied CustomResourceDefinition over HTTPS with a \
            generated certificate and bearer-token or client-certificate authentication, writes a kubeconfig \
            for it, and runs until SIGTERM or SIGINT. A token is generated when none is given. With \
            --insecure-http it serves plain HTTP without authentication, as kube-apiserver's former insecure \
            port did (kubectl never sends credentials over plain HTTP).
            """
    )

    @Option(help: "Where to listen, host:port.")
    var address = "127.0.0.1:6443"

    @Option(help: "A bearer token to accept (repeatable). The first one goes into the kubeconfig.")
    var token: [String] = []

    @Option(help: "A static token file (CSV: token,user,uid,\"groups\"), as kube-apiserver's --token-auth-file.")
    var tokenFile: String?

    @Flag(help: "Serve plain HTTP without authentication instead of HTTPS (not with tokens or client CAs).")
    var insecureHTTP = false

    @Option(help: "A PEM certificate chain to serve instead of a generated one (with --tls-private-key-file).")
    var tlsCertFile: String?

    @Option(help: "The PEM private key of --tls-cert-file.")
    var tlsPrivateKeyFile: String?

    @Option(
        help: """
            PEM CAs whose client certificates authenticate requests (user = common name), as kube-apiserver's \
            --client-ca-file. Default: the generated CA, or none with --tls-cert-file.
            """)
    var clientCAFile: String?

    @Option(help: "Write a kubeconfig for the server to this path.")
    var kubeconfigOut: String?

    @Option(help: "Load JSON manifests from a file or directory at start (repeatable; CRDs first).")
    var load: [String] = []

    @Option(help: "Recent events kept per resource for watches and continue tokens.")
    var watchCacheSize = 10_000

    @Option(help: "Seconds between watch bookmarks.")
    var bookmarkInterval = 60

    @Option(help: "Fault: close every open watch every N seconds.")
    var faultCloseWatchesEvery: Int?

    @Option(help: "Fault: compact the history every N seconds (older watches and continue tokens get 410).")
    var faultCompactEvery: Int?

    @Option(help: "Fault: answer this fraction (0-1) of requests with --fault-status.")
    var faultFraction: Double?

    @Option(help: "Fault: answer the first N requests with --fault-status.")
    var faultFirst: Int?

    @Option(help: "Fault: the status of injected failures (429 is sent as API Priority and Fairness does).")
    var faultStatus = 429

    @Option(help: "Fault: the Retry-After seconds of injected failures.")
    var faultRetryAfter = 1

    @Option(help: "Fault: milliseconds of latency added to every request.")
    var faultLatencyMs: Int?

    @Option(help: "Fault: every N seconds, stop listening for --fault-refuse-ms and listen again on the same port.")
    var faultRefuseConnectionsEvery: Int?

    @Option(help: "Fault: how long connections are refused each time, in milliseconds.")
    var faultRefuseMs = 2000

    func run() async throws {
        var logger = Logger(label: "vigil.api-server")
        logger.logLevel = .info
        let (host, port) = try Self.splitAddress(address)
        try validateInsecureHTTP()
        if insecureHTTP, !Self.isLoopback(host) {
            logger.warning(
                "serving plain HTTP without authentication beyond loopback", metadata: ["address": "\(address)"])
        }
        var tokens = Set(token)
        if let tokenFile {
            let text = try String(contentsOfFile: tokenFile, encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline) {
                let first = line.split(separator: ",", maxSplits: 1).first.map(String.init) ?? ""
                let trimmed = first.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, !trimmed.hasPrefix("#") { tokens.insert(trimmed) }
            }
        }
        // Plain HTTP accepts every request (an empty token set), and its kubeconfig carries no credentials.
        let kubeconfigToken = insecureHTTP ? nil : token.first ?? tokens.sorted().first ?? Self.randomToken()
        if let kubeconfigToken { tokens.insert(kubeconfigToken) }
        let tls: LocalAPIServer.TLSMode
        if insecureHTTP {
            tls = .disabled
        } else if let tlsCertFile {
            guard let tlsPrivateKeyFile else { throw ValidationError("--tls-cert-file needs --tls-private-key-file") }
            tls = .pem(
                certificateChain: try String(contentsOfFile: tlsCertFile, encoding: .utf8),
                privateKey: try String(contentsOfFile: tlsPrivateKeyFile, encoding: .utf8), caCertificate: nil)
        } else {
            tls = .generated
        }
        let clientCertificateAuthority = try clientCAFile.map {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
        let server: LocalAPIServer
        do {
            server = try LocalAPIServer(
                configuration: .init(
                    host: host, port: port, tokens: tokens, tls: tls, watchCacheCapacity: watchCacheSize,
                    bookmarkInterval: .seconds(bookmarkInterval), clientCertificateAuthority: clientCertificateAuthority
                ),
                logger: logger)
        } catch let error as CertificateAuthority.InvalidCertificateAuthority {
            throw ValidationError("--client-ca-file \(clientCAFile ?? ""): \(error)")
        }
        if !load.isEmpty {
            let count = try server.load(paths: load)
            logger.info("loaded manifests", metadata: ["objects": "\(count)"])
        }
        try await server.start()
        if let kubeconfigOut {
            try server.writeKubeconfig(to: kubeconfigOut, token: kubeconfigToken)
            logger.info("wrote kubeconfig", metadata: ["path": "\(kubeconfigOut)"])
        }
        applyFaults(to: server)
        FileHandle.standardOutput.write(Data("vigil api-server listening on \(server.baseURL)\n".utf8))
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    private func applyFaults(to server: LocalAPIServer) {
        let failure = FaultInjector.Failure(status: faultStatus, retryAfterSeconds: faultRetryAfter)
        if let faultFirst { server.faults.failNext(faultFirst, with: failure) }
        if let faultFraction { server.faults.failFraction(faultFraction, with: failure) }
        if let faultLatencyMs { server.faults.setLatency(.milliseconds(faultLatencyMs)) }
        if let faultCloseWatchesEvery { server.closeWatches(every: .seconds(faultCloseWatchesEvery)) }
        if let faultCompactEvery { server.compact(every: .seconds(faultCompactEvery)) }
        if let faultRefuseConnectionsEvery {
            server.refuseConnections(every: .seconds(faultRefuseConnectionsEvery), for: .milliseconds(faultRefuseMs))
        }
    }

    /// Refuses `--insecure-http` with credentials: kubectl (client-go) never sends a bearer token or a client
    /// certificate over plain HTTP, so a kubeconfig with them could not work.
    func validateInsecureHTTP() throws {
        guard insecureHTTP else { return }
        let conflicting =
            [
                ("--token", !token.isEmpty), ("--token-file", tokenFile != nil),
                ("--client-ca-file", clientCAFile != nil),
            ]
            + [("--tls-cert-file", tlsCertFile != nil), ("--tls-private-key-file", tlsPrivateKeyFile != nil)]
        if let (flag, _) = conflicting.first(where: \.1) {
            throw ValidationError(
                "--insecure-http serves plain HTTP without authentication (kubectl sends no credentials over plain "
                    + "HTTP); it cannot be combined with \(flag)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `127.0.0.1:6443` → ("127.0.0.1", 6443); `[::1]:6443` → ("::1", 6443).
    static func splitAddress(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--address must be host:port, got \(address)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
