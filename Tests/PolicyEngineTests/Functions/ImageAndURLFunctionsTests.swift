import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// image_normalize, is_external_url and semver_compare (Kyverno's tables).
struct ImageAndURLFunctionsTests {
    @Test(arguments: [
        ("nginx", "docker.io/nginx:latest"), ("docker.io/nginx", "docker.io/nginx:latest"),
        ("docker.io/library/nginx", "docker.io/library/nginx:latest"),
        ("ghcr.io/library/nginx", "ghcr.io/library/nginx:latest"),
        ("ghcr.io/nginx", "ghcr.io/nginx:latest"), ("ghcr.io/nginx:latest", "ghcr.io/nginx:latest"),
        ("ghcr.io/nginx:1.2", "ghcr.io/nginx:1.2"), ("localhost:5000/app:v1", "localhost:5000/app:v1"),
        ("org/app", "docker.io/org/app:latest"), ("localhost/app", "localhost/app:latest"),
        (
            "nginx@sha256:" + String(repeating: "a", count: 64),
            "docker.io/nginx@sha256:" + String(repeating: "a", count: 64)
        ),
        (
            "nginx:1.25@sha256:" + String(repeating: "b", count: 64),
            "docker.io/nginx@sha256:" + String(repeating: "b", count: 64)
        ),
        ("[::1]:5000/app", "[::1]:5000/app:latest"),
    ])
    func imageNormalize(image: String, expected: String) throws {
        #expect(try call("image_normalize", .string(image)) == .string(expected))
    }

    @Test(arguments: [
        (
            "",
            "bad image: docker.io/, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format"
        ),
        (
            "Nginx",
            "bad image: docker.io/Nginx, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase"
        ),
        (
            "nginx:-bad",
            "bad image: docker.io/nginx:-bad, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format"
        ),
        (
            "nginx@sha256:abc",
            "bad image: docker.io/nginx@sha256:abc, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format"
        ),
        (
            "nginx@md5:" + String(repeating: "a", count: 32),
            "bad image: docker.io/nginx@md5:" + String(repeating: "a", count: 32)
                + ", defaultRegistry: docker.io, enableDefaultRegistryMutation: true: unsupported digest algorithm"
        ),
    ])
    func imageNormalizeErrors(image: String, message: String) {
        #expect(errorMessage("image_normalize", .string(image)) == "JMESPath function 'image_normalize': " + message)
    }

    @Test(arguments: [
        ("http://localhost", false), ("http://127.0.0.1", false), ("http://172.16.1.1", false),
        ("http://10.1.1.1", false),
        ("http://192.168.0.1", false), ("http://8.8.8.8", true), ("http://245.48.83.160", true),
        ("http://[fd12:3456:789a:1::1]", false), ("http://[fdb7:d8fd:c4e4:5561::1]", false), ("http://[::1]", false),
        ("http://[2001:db8::ff00:42:8329]", true), ("http://www.google.com@192.168.1.3", false),
        ("https://172.32.0.1:8443/path", true), ("http://[::ffff:10.0.0.1]/", false),
        ("http://127.0.0.1:8080?x=1", false),
    ])
    func isExternalURL(url: String, expected: Bool) throws {
        #expect(try call("is_external_url", .string(url)) == .bool(expected))
    }

    @Test func isExternalURLErrors() {
        #expect(
            errorMessage("is_external_url", 123)
                == "JMESPath function 'is_external_url': argument #1 is not of type string")
        #expect(errorMessage("is_external_url", "http://[::1") != nil)
        #expect(
            errorMessage("is_external_url", "http://10.0.0.1:abc/")
                == "parse \"http://10.0.0.1:abc/\": invalid port \":abc\" after host")
        #expect(errorMessage("is_external_url", "not a url")?.hasPrefix("lookup") == true)
    }

    @Test(arguments: [
        ("4.1.3", ">=4.1.x", true), ("4.1.3", "!4.x.x", false), ("1.8.6", ">1.0.0 <2.0.0", true),
        ("2.1.5", "<2.0.0 || >=3.0.0", false), ("3.0.0", "<2.0.0 || >=3.0.0", true), ("1.2.3", "1.2.3", true),
        ("1.2.3", "=1.2.3", true), ("1.2.3", "!=1.2.3", false), ("1.2.3-alpha", "<1.2.3", true),
        ("1.2.3+build", "1.2.3", true), ("1.2.9", "1.2.x", true), ("1.3.0", "1.2.x", false), ("1.9.0", "1.x", true),
        ("2.0.0", "<=1.x", false), ("1.5.0", "<=1.x", true), ("1.3.0", ">1.2.x", true), ("1.2.5", ">1.2.x", false),
        ("v1.2.3", ">=0.0.0", true), ("garbage", "<0.0.1", true), ("1.2.3", ">= 1.2.0", true),
        ("1.0.0-rc.10", ">1.0.0-rc.9", true), ("1.0.0-alpha.beta", ">1.0.0-alpha.1", true),
    ])
    func semverCompare(version: String, range: String, expected: Bool) throws {
        #expect(try call("semver_compare", .string(version), .string(range)) == .bool(expected))
    }

    @Test(arguments: [
        ("||", "First element in range is '||'"), (">1.0.0 ||", "Last element in range is '||'"),
        ("abc", "Could not get version from string: \"abc\""),
        ("~1.0.0", "Could not parse Range \"~1.0.0\": Could not parse comparator \"~\" in \"~1.0.0\""),
        (
            ">1.0",
            "Could not parse Range \">1.0\": Could not parse version \"1.0\" in \">1.0\": No Major.Minor.Patch elements found"
        ),
    ])
    func semverRangeErrors(range: String, message: String) {
        #expect(errorMessage("semver_compare", "1.0.0", .string(range)) == message)
    }
}
