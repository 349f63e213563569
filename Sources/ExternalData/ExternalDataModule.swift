/// ExternalData: where policies' external lookups are answered, for `vigil run` and for the CLI alike.
///
/// - ``ImageDataSource`` / ``RegistryImageDataSource``: `imageRegistry` context entries and CEL's
///   `image.GetMetadata` through Vigil's OCI registry client (credentials from the client and from
///   `imageRegistryCredentials.secrets`).
/// - ``ServiceCallClient``: `apiCall.service` and GlobalContextEntry `apiCall` calls, with Kyverno's
///   limits, a single-flight cache and per-service circuit breakers.
///
/// Failures leave here as ``ContextProviderError``s carrying the typed ``FailureClass`` the registry or
/// HTTP client produced, which the engine keeps on the rule result and reports as `imageError` /
/// `serviceError`. Kept apart from `Controller` so `vigil apply` and `vigil test` look images and services
/// up without linking the controller.
public enum ExternalDataModule {}
