/// Local stand-ins for the outside world that `vigil demo`, `vigil-bench` and the tests start on this machine:
/// Debian's `docker-registry` (``LocalRegistry``, filled with images from ``OCILayout`` through `skopeo`), an
/// HTTPS JSON web service (``JSONService``, with ``TestCertificates``), free and silent loopback ports
/// (``FreePort``), and a runner for command-line tools that stops long-running ones when this process exits
/// (``ToolRunner``).
///
/// One small target so the demo, the benchmarks and the tests share one copy; no product module imports it
/// except the `vigil` executable (for the demo) and `vigil-bench`.
enum LocalServices {}
