/// Controller: the background reports controller behind `vigil run`.
///
/// ``ReportsController`` loads Kyverno policies (from the cluster and from files) into a ``PolicyCache``,
/// runs one light-mode informer per kind a background rule matches, feeds changed objects through a
/// ``WorkQueue`` keyed by UID to evaluation workers, and writes one report per resource through a
/// ``ReportWriter`` that skips reports whose content did not change. It is a `Service` for a
/// swift-service-lifecycle `ServiceGroup`: SIGTERM stops taking work, finishes in-flight writes and
/// releases the leader Lease.
public enum ControllerModule {}
