import Observability
import Testing

@Suite("HealthState and HealthReport")
struct HealthStateTests {
    @Test func readyOnlyAfterSyncAndLeadership() {
        let health = HealthState()
        #expect(!health.isPassing(.readiness))
        #expect(health.isPassing(.liveness))
        health.setInformersSynced(false, pending: ["pods", "deployments.apps"])
        let waiting = HealthReport(endpoint: "readyz", checks: health.checks(for: .readiness))
        #expect(waiting.failing == ["informers-synced", "leader-election"])
        #expect(waiting.statusCode == 503)
        #expect(
            waiting.render(verbose: false).contains(
                "[-]informers-synced failed: waiting for informers: pods, deployments.apps"))
        health.setInformersSynced(true)
        #expect(!health.isPassing(.readiness))
        health.setLeadershipKnown(true, holder: "vigil-0")
        #expect(health.isPassing(.readiness))
        let ready = HealthReport(endpoint: "readyz", checks: health.checks(for: .readiness))
        #expect(ready.render(verbose: false) == "ok")
        #expect(
            ready.render(verbose: true)
                == "[+]ping ok\n[+]informers-synced ok\n[+]leader-election ok\nreadyz check passed\n")
        // Losing sync (e.g. the watch machinery restarted) makes it unready again.
        health.setInformersSynced(false)
        #expect(!health.isPassing(.readiness))
    }

    @Test func namedChecksKeepOrderAndProbe() {
        let health = HealthState()
        health.setCheck("policy-cache", passing: false, message: "no policies loaded")
        health.setCheck("workers", probe: .liveness, passing: true)
        health.setCheck("policy-cache", probe: .liveness, passing: true)
        #expect(
            health.checks(for: .readiness).map(\.name) == [
                "ping", "informers-synced", "leader-election", "policy-cache",
            ])
        #expect(health.checks(for: .liveness).map(\.name) == ["ping", "workers"])
        health.setCheck("workers", probe: .liveness, passing: false, message: "worker 2 stuck for 10m")
        #expect(!health.isPassing(.liveness))
        let report = HealthReport(endpoint: "healthz", checks: health.checks(for: .liveness))
        #expect(
            report.render(verbose: false)
                == "[+]ping ok\n[-]workers failed: worker 2 stuck for 10m\nhealthz check failed\n")
        health.removeCheck("workers")
        #expect(health.isPassing(.liveness))
    }
}
