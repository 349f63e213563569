import Foundation
import JSONValue
import YAML

extension DifferentialTests {
    /// A Deployment with resource requests and limits (quantities), versioned images and probe URLs.
    static let deployment: JSONValue = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": [
            "name": "api-server", "namespace": "prod",
            "labels": ["app.kubernetes.io/name": "api", "app.kubernetes.io/version": "v2.14.0"],
            "annotations": [
                "docs.example.com/url": "https://docs.example.com/api/v2?lang=en&lang=de&q=a+b#intro",
                "owner": "team-a@example.com",
            ],
        ],
        "spec": [
            "replicas": 3,
            "template": [
                "spec": [
                    "containers": [
                        [
                            "name": "api", "image": "registry.example.com/api:2.14.0",
                            "resources": [
                                "requests": ["cpu": "250m", "memory": "512Mi"],
                                "limits": ["cpu": "1", "memory": "1Gi", "ephemeral-storage": "2G"],
                            ],
                            "ports": [["containerPort": 8443, "name": "https"]],
                            "livenessProbe": ["httpGet": ["path": "/healthz", "port": 8443, "scheme": "HTTPS"]],
                        ],
                        [
                            "name": "metrics", "image": "quay.io/prometheus/exporter:v1.7.0-rc.1",
                            "resources": ["requests": ["cpu": "0.1", "memory": "64M"], "limits": ["memory": "128Mi"]],
                        ],
                        ["name": "debug", "image": "busybox", "resources": [:]],
                    ],
                    "volumes": [["name": "tmp", "emptyDir": ["sizeLimit": "1.5Gi"]]],
                ]
            ],
        ],
    ]

    /// Expressions evaluated over `object` = ``pod`` in both environments.
    static let podExpressions = [
        "object.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
        "object.spec.containers.exists(c, c.image.endsWith(':latest'))",
        "object.spec.containers.map(c, c.name)",
        "object.spec.containers.filter(c, has(c.securityContext)).map(c, c.name)",
        "object.spec.containers.exists_one(c, c.name == 'app')",
        "object.metadata.labels['app'] == 'web' && object.metadata.namespace != 'kube-system'",
        "has(object.metadata.labels.tier) && !has(object.metadata.labels.missing)",
        "object.metadata.?labels.?team.orValue('none')",
        "object.spec.?hostNetwork.orValue(false) == false",
        "object.spec.containers[0].ports[0].containerPort",
        "object.spec.containers[0].ports[0].containerPort + 1",
        "object.spec.containers[0].ports[0].containerPort / 3.0",
        "size(object.spec.containers) + size(object.spec.initContainers)",
        "object.spec.containers + object.spec.?initContainers.orValue([])",
        "object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d.upperAscii() == 'ALL'))",
        "object.metadata.name.matches('^web-[0-9]+$')",
        "object.metadata.name.split('-')",
        "object.metadata.name.replace('-', '_').upperAscii()",
        "object.metadata.name.substring(0, 3) + '/' + object.metadata.namespace",
        "'%s in %s'.format([object.metadata.name, object.metadata.namespace])",
        "object.metadata.annotations['example.com/owner'].indexOf('-')",
        "object.spec.containers.map(c, c.image.split(':')[1])",
        "object.metadata.missing",
        "object.spec.containers[5]",
        "int(object.spec.containers[0].ports[0].containerPort) * 9223372036854775807",
        "object.metadata.labels.all(k, k.size() > 2)",
        "object.metadata.labels.all(k, v, v.size() > 2)",
        "object.metadata.labels.transformMap(k, v, v + '!')",
        "object.spec.containers.transformList(i, c, i)",
        "type(object.spec.containers[0].ports[0].containerPort) == int",
        "oldObject == null ? 'create' : 'update'",
        "timestamp('2024-01-01T00:00:00Z') + duration('36h') > timestamp('2024-01-02T00:00:00Z')",
        "duration('90m').getHours()",
        "string(duration('1h30m'))",
        "cidr('10.0.0.0/8').containsIP('10.1.2.3') && ip('10.1.2.3').family() == 4",
        "isIP('300.1.1.1') || isCIDR('10.0.0.0/33')",
        "[1, 2, 3].map(x, x * 2).filter(x, x > 2)",
        "{'a': 1, 'b': 2}.exists(k, k == 'b')",
        "1u + 2u", "uint(3) - uint(4)", "-9223372036854775808 / -1", "7 % 0", "0.1 + 0.2",
        "'abc' < 'abd'", "b'abc' + b'def'", "dyn(1) == dyn(1u)", "[1, 2] + [3]", "{'x': 1}.x",
        "'\\u00e9'.size()", "'résumé'.charAt(1)", "string(1.5e10)", "double('1e3')", "int('0x10')",
        "optional.of(1).hasValue()", "optional.none().orValue(3)",
        // Kubernetes' regex library (RE2 semantics).
        "object.spec.containers[0].image.find('[0-9]+\\\\.[0-9]+')",
        "object.spec.containers.map(c, c.image.find(':[^:]+$'))",
        "object.metadata.name.findAll('[a-z]+')",
        "'123 abc 456'.findAll('[0-9]*')",
        "'123 abc 456'.findAll('[0-9]+', 1)",
        "'123 abc 456'.findAll('[0-9]+', 0)",
        "'a1b22c333'.findAll('[0-9]+', -1)",
        "'abc'.find('x')",
        "'abc'.find('(')",
        "'ünïcödé'.find('[^a-z]+')",
        // Kubernetes' lists library.
        "object.spec.containers.map(c, c.name).isSorted()",
        "object.spec.containers.map(c, c.name).indexOf('sidecar')",
        "object.spec.containers.map(c, c.name).lastIndexOf('nope')",
        "[3, 1, 2].min()", "[3, 1, 2].max()", "['b', 'a'].max()", "[1, 2, 3].sum()", "[1.5, 2.5].sum()",
        "[duration('1m'), duration('30s')].sum()", "[9223372036854775807, 1].sum()", "[].sum()", "[].min()",
        "[1, 2, 2, 3].isSorted()", "[3, 2].isSorted()", "[1u, 5u].sum()", "[2, 1, 1].lastIndexOf(1)",
        "object.spec.containers.map(c, size(c.name)).sum()",
        // ext.Sets.
        "sets.contains(object.spec.containers.map(c, c.name), ['app'])",
        "sets.contains(['a'], object.spec.containers.map(c, c.name))",
        "sets.equivalent(object.spec.containers.map(c, c.name), ['sidecar', 'app', 'app'])",
        "sets.intersects(object.spec.containers.map(c, c.name), ['init', 'sidecar'])",
        "sets.intersects([1, 2], [3])", "sets.contains([1, 2], [])", "sets.contains([[1], [2]], [[2]])",
        // ext.Lists v3.
        "lists.range(4)", "lists.range(0)", "lists.range(-1)",
        "object.spec.containers.map(c, c.name).slice(1, 2)", "[1, 2, 3].slice(2, 1)", "[1, 2, 3].slice(0, 4)",
        "object.spec.containers.map(c, c.ports).flatten()",
        "[[1, 2], [3]].flatten()", "dyn([1, [2, [3, [4]]]]).flatten(2)", "dyn([[1]]).flatten(-1)",
        "object.spec.containers.map(c, c.name).reverse()",
        "[3, 1, 2, 3, 1].distinct()", "['b', 'a', 'c'].sort()", "[2.5, -1.0].sort()",
        "[timestamp('2024-01-02T00:00:00Z'), timestamp('2024-01-01T00:00:00Z')].sort()",
        "object.spec.containers.sortBy(c, c.name).map(c, c.name)",
        "object.spec.containers.sortBy(c, -size(c.image)).map(c, c.name)",
        "object.spec.containers.map(c, c.name).first()", "object.spec.containers.map(c, c.name).last()",
        "[].first()", "object.spec.initContainers.last().orValue({}).name",
        "object.spec.containers.orValue([]).size()", "object.spec.containers[0].name.or(optional.of('x'))",
        "object.spec.containers[0].name.hasValue()",
        // Two-variable comprehensions.
        "object.spec.containers.all(i, c, i < 5 && c.name != '')",
        "object.spec.containers.exists(i, c, i == 1 && c.name == 'sidecar')",
        "object.spec.containers.existsOne(i, c, c.image.contains('envoy'))",
        "object.spec.containers.transformList(i, c, i > 0, c.name)",
        "object.spec.containers.transformMap(i, c, c.image)",
        "object.metadata.labels.transformMap(k, v, k != 'app', v.upperAscii())",
        "object.metadata.labels.transformMapEntry(k, v, {v: k})",
        "object.metadata.labels.transformMapEntry(k, v, {'same': k})",
        "object.metadata.labels.exists(k, v, k == 'tier' && v == 'frontend')",
        // Format library.
        "format.dns1123Label().validate(object.metadata.name)",
        "format.dns1123Label().validate('Web_1')",
        "format.dns1123Label().validate('a.b')",
        "format.dns1123Subdomain().validate(object.metadata.annotations['example.com/owner'])",
        "format.dns1035Label().validate('1abc')",
        "format.qualifiedName().validate('example.com/owner')",
        "format.qualifiedName().validate('a/b/c')",
        "format.qualifiedName().validate('Bad_/x')",
        "format.labelValue().validate(object.metadata.labels.app)",
        "format.labelValue().validate('-bad-')",
        "format.dns1123LabelPrefix().validate('web-')",
        "format.dns1035LabelPrefix().validate('-')",
        "format.uri().validate('https://example.com/x')",
        "format.uri().validate('not a url')",
        "format.uuid().validate('123e4567-e89b-12d3-a456-426614174000')",
        "format.uuid().validate('nope')",
        "format.byte().validate('aGVsbG8=')", "format.byte().validate('aGVsbG8')",
        "format.date().validate('2024-02-29')", "format.date().validate('2023-02-29')",
        "format.datetime().validate('2024-01-01T10:00:00.5+02:00')",
        "format.datetime().validate('2024-01-01T24:00:00Z')",
        "format.named('dns1123Label').hasValue()", "format.named('nope').hasValue()",
        "format.named('uuid').value().validate('x')",
        "format.dns1123Label().validate(object.metadata.name).hasValue()",
        // Authz: no authorizer in a background scan (and the oracle declares none either).
        "authorizer.group('apps').resource('deployments').check('get').allowed()",
    ]

    /// Expressions evaluated over `object` = ``deployment`` in both environments: quantities, semver, URLs.
    static let deploymentExpressions = [
        // Quantity.
        "object.spec.template.spec.containers.all(c, !has(c.resources.limits) || !has(c.resources.limits.memory) || quantity(c.resources.limits.memory).compareTo(quantity('2Gi')) <= 0)",
        "object.spec.template.spec.containers.filter(c, has(c.resources.requests)).map(c, quantity(c.resources.requests.cpu).asApproximateFloat())",
        "object.spec.template.spec.containers.filter(c, has(c.resources.limits) && has(c.resources.limits.memory)).map(c, quantity(c.resources.limits.memory))",
        "quantity(object.spec.template.spec.containers[0].resources.limits.memory).isGreaterThan(quantity(object.spec.template.spec.containers[0].resources.requests.memory))",
        "quantity(object.spec.template.spec.containers[0].resources.requests.cpu).isLessThan(quantity('500m'))",
        "quantity(object.spec.template.spec.containers[0].resources.limits.cpu).asInteger()",
        "quantity(object.spec.template.spec.containers[0].resources.requests.cpu).isInteger()",
        "quantity(object.spec.template.spec.containers[0].resources.requests.cpu).asInteger()",
        "quantity(object.spec.template.spec.containers[0].resources.limits['ephemeral-storage']).asInteger()",
        "quantity(object.spec.template.spec.volumes[0].emptyDir.sizeLimit)",
        "quantity(object.spec.template.spec.volumes[0].emptyDir.sizeLimit).isInteger()",
        "quantity(object.spec.template.spec.volumes[0].emptyDir.sizeLimit).asApproximateFloat()",
        "quantity(object.spec.template.spec.containers[1].resources.requests.cpu)",
        "quantity(object.spec.template.spec.containers[1].resources.requests.memory).add(quantity('64Mi'))",
        "quantity(object.spec.template.spec.containers[0].resources.requests.memory).sub(quantity('12Mi'))",
        "quantity('1').add(quantity('0m')).isInteger()",
        "quantity('50k').add(20).sub(quantity('100k')).sub(-50000)",
        "quantity('0').add(1000)", "quantity('9223372036854775807').add(1)",
        "quantity('9223372036854775807').add(1).isInteger()", "quantity('1m').add(quantity('999m')).isInteger()",
        "quantity('1Mi') == quantity('1024Ki')", "quantity('1M') == quantity('1Mi')",
        "[quantity('1Mi')] == [quantity('1048576')]",
        "sign(quantity('-1.5Gi'))", "sign(quantity('0'))",
        "quantity('200K')", "quantity('1,3G')", "isQuantity('1.3Gi')", "isQuantity('Mi')", "isQuantity('')",
        "quantity('1.5e-3')", "quantity('0.1Ki')", "quantity('100m').add(quantity('1'))",
        "quantity('12345678901234567890').isInteger()", "quantity('1e3').asInteger()",
        "type(quantity('1')) == kubernetes.Quantity", "string(type(quantity('1')))",
        "object.spec.template.spec.containers.map(c, c.resources).filter(r, has(r.requests)).map(r, quantity(r.requests.memory).asInteger()).sum()",
        // Semver.
        "semver(object.metadata.labels['app.kubernetes.io/version'], true).major()",
        "semver(object.metadata.labels['app.kubernetes.io/version'], true).isGreaterThan(semver('2.9.0'))",
        "isSemver(object.metadata.labels['app.kubernetes.io/version'])",
        "isSemver(object.metadata.labels['app.kubernetes.io/version'], true)",
        "object.spec.template.spec.containers.filter(c, c.image.contains(':')).map(c, isSemver(c.image.split(':')[1], true))",
        "semver(object.spec.template.spec.containers[1].image.split(':')[1], true)",
        "semver(object.spec.template.spec.containers[1].image.split(':')[1], true).compareTo(semver('1.7.0'))",
        "semver('1.2.3').minor() + semver('1.2.3').patch()", "semver('1.2.3') == semver('1.2.3+build.5')",
        "semver('v1.0.0')", "semver('01.01.01', true)", "semver('1.2', true)", "semver('1.2-rc', true)",
        "semver('1.0.0-alpha').isLessThan(semver('1.0.0-alpha.1'))",
        "semver('1.0.0-beta.11').compareTo(semver('1.0.0-beta.2'))", "isSemver('1.0')",
        // URLs.
        "url(object.metadata.annotations['docs.example.com/url']).getHost()",
        "url(object.metadata.annotations['docs.example.com/url']).getScheme()",
        "url(object.metadata.annotations['docs.example.com/url']).getQuery()",
        "url(object.metadata.annotations['docs.example.com/url']).getEscapedPath()",
        "url(object.metadata.annotations['docs.example.com/url'])",
        "isURL(object.metadata.annotations['owner'])",
        "object.spec.template.spec.containers.filter(c, has(c.livenessProbe)).map(c, url(c.livenessProbe.httpGet.scheme.lowerAscii() + '://localhost:' + string(c.livenessProbe.httpGet.port) + c.livenessProbe.httpGet.path).getPort())",
        "url('https://[::1]:80/').getHostname()", "url('https://[::1]/').getHost()",
        "url('https://example.com/path with spaces/').getEscapedPath()", "url('/absolute-path')",
        "url('https://user:pass@example.com:80/path?query=val#fragment').getHostname()",
        "url('https://a:b:c/')", "url('../relative-path')", "isURL('mailto:a@b.c')", "url('mailto:a@b.c').getHost()",
        "url('http://a b.com/')", "url('http://x/%zz')", "url('http://x/a?b=%zz&c=1').getQuery()",
        "url('HTTP://Example.com/A%2Fb').getEscapedPath()", "url('HTTP://Example.com/A%2Fb').getScheme()",
        "url('https://example.com/path?').getQuery()", "url('https://example.com?a=1;b=2').getQuery()",
        "isURL('')", "isURL('*')", "isURL('//host/path')", "url('https://[1.2.3.4]/')",
        // Homogeneous aggregate literals (Kubernetes' checker rejects mixed-type literals).
        "[1, 'a']", "{'a': 1, 'b': 'x'}", "[object.metadata.name, 'x']", "[[1], []]", "[1, 2.0]",
        "[null, 1]", "[{}, {'a': 1}]", "[optional.none(), optional.of(1)]", "[size(object.metadata.name), 1]",
        "[string(object.metadata.name), 'a']", "{1: 'a', 'b': 'c'}",
        "'%s has %d replicas'.format([object.metadata.name, object.spec.replicas])",
        "'%s'.format([[1, 'a'].size()])", "[['a', 1].size(), 2]",
    ]

    /// Expressions only Kyverno's environment has (ext.Math, ext.Encoders, `cel.bind`).
    static let kyvernoExpressions = [
        "math.greatest(object.spec.template.spec.containers.map(c, c.name.size()))",
        "base64.encode(bytes(object.metadata.name))",
        "cel.bind(names, object.spec.template.spec.containers.map(c, c.name), names.size() == 3 && 'api' in names)",
        "math.least([quantity('1Gi').asInteger(), 5])",
        "sign(quantity('-1')) == math.sign(-1)",
    ]
}

extension DifferentialTests {
    /// The `validations` (expressions and message expressions) of the ValidatingPolicy documents in
    /// ../shared/testdata/kyverno/policies, their `variables.NAME` inlined as parenthesised expressions (as
    /// scripts/bench-cel does), each over up to six of the policy's test resources (its `.kyverno-test`
    /// resources and its `.chainsaw-test` good and bad resources).
    static func policyCases() throws -> [Case] {
        let root = peers.deletingLastPathComponent().appendingPathComponent("testdata/kyverno/policies")
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in walker
        where url.pathExtension == "yaml" && !url.path.contains("/.") && url.lastPathComponent != "resource.yaml" {
            files.append(url)
        }
        var cases: [Case] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard let text = try? String(contentsOf: file, encoding: .utf8), text.contains("kind: ValidatingPolicy"),
                let documents = try? YAML.load(text)
            else { continue }
            let resources = Self.testResources(near: file)
            for document in documents where document["kind"]?.stringValue == "ValidatingPolicy" {
                var variables: [String: String] = [:]
                for variable in document["spec"]?["variables"]?.arrayValue ?? [] {
                    if let name = variable["name"]?.stringValue, let expression = variable["expression"]?.stringValue {
                        variables[name] = expression
                    }
                }
                for validation in document["spec"]?["validations"]?.arrayValue ?? [] {
                    for key in ["expression", "messageExpression"] {
                        guard let expression = validation[key]?.stringValue else { continue }
                        let inlined = inline(expression, variables).trimmingCharacters(in: .whitespacesAndNewlines)
                        for resource in resources.prefix(6) {
                            cases.append(Case(expression: inlined, object: resource))
                        }
                    }
                }
            }
        }
        return cases
    }

    /// The Kubernetes objects of a policy's test directories.
    static func testResources(near policy: URL) -> [JSONValue] {
        let directory = policy.deletingLastPathComponent()
        var files: [URL] = []
        for (test, accepts) in [
            (".kyverno-test", { (name: String) in name.hasPrefix("resource") }),
            (".chainsaw-test", { (name: String) in name.contains("good") || name.contains("bad") }),
        ] {
            let folder = directory.appendingPathComponent(test)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            files += names.filter { $0.hasSuffix(".yaml") && accepts($0) }.sorted().map {
                folder.appendingPathComponent($0)
            }
        }
        return files.flatMap { file in
            ((try? String(contentsOf: file, encoding: .utf8)).flatMap { try? YAML.load($0) } ?? []).filter {
                if case .object = $0, $0["kind"] != nil { true } else { false }
            }
        }
    }

    /// Replaces `variables.NAME` by `(expression)`, five levels deep at most.
    static func inline(_ expression: String, _ variables: [String: String], depth: Int = 0) -> String {
        guard depth <= 5 else { return expression }
        let scalars = Array(expression.unicodeScalars)
        let marker = Array("variables.".unicodeScalars)
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index...].starts(with: marker), index == 0 || !isWord(scalars[index - 1]) {
                var end = index + marker.count
                while end < scalars.count, isWord(scalars[end]) { end += 1 }
                let name = String(String.UnicodeScalarView(scalars[(index + marker.count)..<end]))
                if let value = variables[name] {
                    output.append(contentsOf: ("(" + inline(value, variables, depth: depth + 1) + ")").unicodeScalars)
                    index = end
                    continue
                }
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}
