/// OCIRegistry: image metadata from OCI registries for Kyverno's `imageRegistry` context entries.
///
/// ``RegistryClient`` parses references as Kyverno does (``RegistryReference``), speaks the OCI distribution
/// API (manifests by tag or digest, indexes with platform selection, config blobs), authenticates anonymously,
/// with bearer tokens from a `WWW-Authenticate` challenge or with basic credentials from a Docker config, and
/// shares one cache between every caller: successes for a TTL, failures briefly, single-flight lookups and a
/// per-registry circuit breaker. Every failure is a ``RegistryError`` with a ``RegistryError/Class``.
///
/// Written by hand over the project's libcurl `HTTPClient` because no Swift OCI client exists that fits it;
/// the protocol part needed for metadata (no layer downloads, no pushes) is small.
public enum OCIRegistry {}
