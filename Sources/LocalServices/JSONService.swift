import Foundation

/// A real HTTPS JSON web service on 127.0.0.1 (python3's `http.server` with `ssl`), with a certificate from
/// ``TestCertificates``, for tests of `apiCall.service` calls.
///
/// Paths: `GET /json` answers `{"allowed": true, "regions": ["eu", "us"]}`; `POST /echo` answers
/// `{"method", "body", "headers"}` (the request's JSON body and lower-cased headers); `/text` answers plain
/// text; `/big?bytes=N` a JSON string of N bytes; `/status/N` status N with a JSON body; `/slow?ms=N` JSON
/// after N ms; `/hang` never answers. `/counts` answers how many requests each other path received.
public final class JSONService: Sendable {
    public let port: Int
    public let certificates: TestCertificates
    private let process: Process
    private let directory: URL

    public var baseURL: String { "https://127.0.0.1:\(port)" }

    /// The CA certificate that signed the server's certificate, as PEM text (a `caBundle`).
    public var caBundle: String {
        (try? String(contentsOf: certificates.caCertificate, encoding: .utf8)) ?? ""
    }

    public init(certificates: TestCertificates? = nil) throws {
        let certificates = try certificates ?? TestCertificates()
        self.certificates = certificates
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-json-service-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("service.py")
        try Data(Self.script.utf8).write(to: script)
        port = try FreePort.reserve()
        process = try ToolRunner.startWatched(
            "python3",
            [
                script.path, String(port), certificates.serverCertificate.path, certificates.serverKey.path,
            ], log: directory.appendingPathComponent("service.log"))
        for _ in 0..<200 {
            if FreePort.isListening(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("service.log"), encoding: .utf8)) ?? ""
        throw ToolError(message: "the JSON service did not start on port \(port): \(log)")
    }

    /// Requests per path so far (from `/counts`, read with curl).
    public func counts() throws -> [String: Int] {
        let data = try ToolRunner.runData(
            "curl", ["-sS", "--cacert", certificates.caCertificate.path, "\(baseURL)/counts"])
        return (try JSONSerialization.jsonObject(with: data) as? [String: Int]) ?? [:]
    }

    public func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }

    static let script = """
        import json, ssl, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlparse, parse_qs

        counts = {}
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def send(self, status, body, content_type="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def handle_any(self, method):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path != "/counts":
                    with lock:
                        counts[url.path] = counts.get(url.path, 0) + 1
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if url.path == "/counts":
                    with lock:
                        self.send(200, json.dumps(counts))
                elif url.path == "/json":
                    self.send(200, json.dumps({"allowed": True, "regions": ["eu", "us"]}))
                elif url.path == "/echo":
                    body = json.loads(raw) if raw else None
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    self.send(200, json.dumps({"method": method, "body": body, "headers": headers}))
                elif url.path == "/text":
                    self.send(200, "this is not JSON", "text/plain")
                elif url.path == "/big":
                    size = int(query.get("bytes", ["3000000"])[0])
                    self.send(200, json.dumps("x" * size))
                elif url.path.startswith("/status/"):
                    self.send(int(url.path.split("/")[2]), json.dumps({"error": "status"}))
                elif url.path == "/slow":
                    time.sleep(int(query.get("ms", ["500"])[0]) / 1000)
                    self.send(200, json.dumps({"slow": True}))
                elif url.path == "/hang":
                    time.sleep(3600)
                else:
                    self.send(404, json.dumps({"error": "not found"}))
            def do_GET(self):
                self.handle_any("GET")
            def do_POST(self):
                self.handle_any("POST")

        port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """
}
