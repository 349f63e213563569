import Foundation
import Testing

/// `vigil cel eval`: expressions over documents from files, with the Kubernetes variables declared.
struct CELCommandTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        spec:
          replicas: 3
          containers:
            - {name: a, image: registry.io/a:1}
            - {name: b, image: docker.io/b:2}
        """

    func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cel-\(UUID()).yaml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try body(file.path)
    }

    @Test func evaluatesOverTheObjectAndOtherVariables() throws {
        try withFile(Self.pod) { pod in
            try withFile("{\"max\": 2}") { params in
                let output = try VigilProcess.run([
                    "cel", "eval",
                    "object.spec.containers.filter(c, !c.image.startsWith('registry.io/')).map(c, c.name)",
                    "--object", pod,
                ])
                #expect(output.status == 0, "\(output.stderr)")
                #expect(output.stdout == "[\"b\"]\n")
                let compared = try VigilProcess.run([
                    "cel", "eval", "object.spec.replicas > params.max && oldObject == null", "--object", pod, "--var",
                    "params=\(params)",
                ])
                #expect(compared.status == 0, "\(compared.stderr)")
                #expect(compared.stdout == "true\n")
            }
        }
    }

    @Test func compileAndEvaluationErrorsExitWithOne() throws {
        let syntax = try VigilProcess.run(["cel", "eval", "1 +\n  & 2"])
        #expect(syntax.status == 1)
        #expect(syntax.stderr.contains("<input>:2:3"))
        let evaluation = try VigilProcess.run(["cel", "eval", "{'a': 1}.b"])
        #expect(evaluation.status == 1)
        #expect(evaluation.stderr.contains("no such key: b"))
    }
}
