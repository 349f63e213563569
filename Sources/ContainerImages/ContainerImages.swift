/// Container image references: the `github.com/distribution/reference` grammar, Kyverno's normalisation
/// for the `images` variable and `image_normalize` (``ImageReference``), and the registry-lookup
/// normalisation of `go-containerregistry` that Kyverno's `imageRegistry` context uses (``RegistryReference``).
///
/// Pure and dependency-free so that both the policy engine and the OCI registry client parse references the
/// same way. Written by hand because no Swift package implements these grammars.
public enum ContainerImages {}
