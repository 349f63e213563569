import KubeClient
import Observability
import Testing

@Suite("APIRequestMetrics")
struct APIRequestMetricsTests {
    @Test func countsByVerbResourceAndCode() {
        let factory = VigilMetricsFactory()
        let metrics = APIRequestMetrics(factory: factory)
        let hook = metrics.record
        hook(RequestMetric(verb: "list", resource: "pods", statusCode: 200, duration: .milliseconds(20), attempt: 0))
        hook(RequestMetric(verb: "list", resource: "pods", statusCode: 200, duration: .milliseconds(40), attempt: 0))
        hook(
            RequestMetric(
                verb: "create", resource: "policyreports.wgpolicyk8s.io", statusCode: 409, duration: .seconds(1),
                attempt: 0))
        hook(RequestMetric(verb: "watch", resource: "pods", statusCode: nil, duration: .seconds(3), attempt: 2))
        let text = String(decoding: factory.exposition(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        func sample(_ prefix: String) -> Substring? { lines.first { $0.hasPrefix(prefix) } }
        #expect(sample(#"vigil_api_requests_total{verb="list",resource="pods",code="200"}"#)?.hasSuffix(" 2") == true)
        #expect(
            sample(#"vigil_api_requests_total{verb="create",resource="policyreports.wgpolicyk8s.io",code="409"}"#)?
                .hasSuffix(" 1") == true)
        #expect(
            sample(#"vigil_api_requests_total{verb="watch",resource="pods",code="error"}"#)?.hasSuffix(" 1") == true)
        #expect(
            sample(#"vigil_api_request_duration_seconds_count{verb="list",resource="pods"}"#)?.hasSuffix(" 2") == true)
        #expect(
            sample(#"vigil_api_request_duration_seconds_sum{verb="list",resource="pods"}"#)?.hasSuffix(" 0.06") == true)
        #expect(
            sample(#"vigil_api_request_duration_seconds_bucket{verb="list",resource="pods",le="0.025"}"#)?
                .hasSuffix(" 1") == true)
    }
}
