import HTTPTypes
import Hummingbird

extension ObservabilityServer {
    /// The routes of one listener.
    func makeRouter(metrics servesMetrics: Bool, health servesHealth: Bool) -> Router<BasicRequestContext> {
        let router = Router()
        if servesMetrics {
            let factory = self.metrics
            router.get("/metrics") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = VigilMetricsFactory.expositionContentType
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: factory.exposition())))
            }
        }
        if servesHealth {
            let health = self.health
            for (endpoint, probe) in [("healthz", HealthState.Probe.liveness), ("readyz", .readiness)] {
                router.get("/\(endpoint)") { request, _ -> Response in
                    let query = request.uri.queryParameters
                    let excluded = Set(query[values: "exclude"].map(String.init))
                    let report = HealthReport(
                        endpoint: endpoint, checks: health.checks(for: probe).filter { !excluded.contains($0.name) })
                    return Self.text(report.render(verbose: query.has("verbose")), status: report.statusCode)
                }
                router.get("/\(endpoint)/{check}") { request, context -> Response in
                    let name = context.parameters.get("check") ?? ""
                    guard let check = health.checks(for: probe).first(where: { $0.name == name }) else {
                        return Self.text("\(endpoint) check \"\(name)\" not found\n", status: 404)
                    }
                    if check.passing { return Self.text("ok", status: 200) }
                    return Self.text("internal server error: \(check.message ?? "reason unknown")\n", status: 503)
                }
            }
        }
        return router
    }

    static func text(_ body: String, status: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
