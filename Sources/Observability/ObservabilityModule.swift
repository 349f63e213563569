/// Observability: the Prometheus metrics registry and the /metrics, /healthz, /readyz endpoint (placeholder).
enum ObservabilityModule {}
