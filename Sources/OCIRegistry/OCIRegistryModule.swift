/// OCIRegistry: image references, the OCI distribution API, registry authentication and caching.
///
/// Written over the project's libcurl ``HTTPClient`` (placeholder; filled by the registry work).
enum OCIRegistryModule {}
