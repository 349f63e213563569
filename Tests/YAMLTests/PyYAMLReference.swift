import Foundation
import JSONValue

/// Runs PyYAML once over many files, with a loader adjusted to Kubernetes' YAML (go-yaml v2), and
/// returns, per file, the JSON documents or an error.
///
/// Each difference between PyYAML (YAML 1.1) and go-yaml v2 as used by sigs.k8s.io/yaml is one
/// adjustment in the script below, listed with its reason in ``adjustments``. Nothing else is
/// normalised and no file is skipped.
enum PyYAMLReference {
    /// The documented differences between PyYAML and Kubernetes' YAML that the reference loader adjusts.
    static let adjustments: [(difference: String, reason: String)] = [
        ("timestamps stay strings", "go-yaml v2 returns timestamp-looking scalars as text when decoding into interface{}"),
        ("`=` is a string", "PyYAML's `value` type (`=`) does not exist in go-yaml v2"),
        ("`y`, `Y`, `n`, `N` are booleans", "go-yaml v2's resolve table has them; PyYAML's YAML 1.1 regex does not"),
        ("`0o17` is an integer", "go-yaml v2 parses with Go's base-0 rules, which accept `0o`"),
        ("`1e3` and `08` are floats", "go-yaml v2's float pattern needs no dot; `08` fails Go's octal parse, then matches it"),
        ("`1:20` is a string", "go-yaml v2 dropped YAML 1.1 sexagesimal numbers"),
        ("integers beyond Int64 are floats", "go-yaml v2 yields uint64/big ints that Kubernetes' JSON decoding makes float64"),
        ("`!!binary` keeps its base64 text", "JSON has no bytes; Vigil keeps the text (go-yaml v2 would decode it)"),
        ("merge keys apply in document order", "go-yaml v2 writes merged keys where `<<` appears; PyYAML lets explicit keys win"),
        ("non-string keys as sigs.k8s.io/yaml converts them", "ints and bools become their text; null keys fail"),
        ("`.nan`/`.inf` values fail", "sigs.k8s.io/yaml cannot write them as JSON"),
        ("documents without content are skipped", "kubectl's multi-document reader skips them; PyYAML yields None"),
        ("libyaml-backed parser by default", "pure-Python parsing takes minutes; VIGIL_YAML_DIFF_PURE=1 uses it"),
    ]

    static let script = #"""
        import base64, json, os, re, sys, yaml

        PURE = os.environ.get("VIGIL_YAML_DIFF_PURE") == "1"
        Base = yaml.SafeLoader if PURE or not yaml.__with_libyaml__ else yaml.CSafeLoader
        INT64 = range(-(1 << 63), 1 << 63)

        class GoV2Loader(Base):
            pass

        # Implicit resolvers: PyYAML's, minus timestamp and value, with go-yaml v2's bool/int/float forms.
        GoV2Loader.yaml_implicit_resolvers = {}
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
            kept = [(tag, rx) for tag, rx in resolvers
                    if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value",
                                   "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                                   "tag:yaml.org,2002:bool")]
            GoV2Loader.yaml_implicit_resolvers[first] = kept
        GoV2Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(
            r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
            list("yYnNtTfFoO"))
        GoV2Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(
            r"^[-+]?(?:0[bB][01_]+|0[oO][0-7_]+|0[xX][0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$"),
            list("-+0123456789"))
        GoV2Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
            r"^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9_]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
            list("-+0123456789."))

        def construct_int(loader, node):
            text = loader.construct_scalar(node).replace("_", "")
            sign = -1 if text.startswith("-") else 1
            body = text.lstrip("+-")
            if body[:2] in ("0b", "0B"): value = int(body[2:], 2)
            elif body[:2] in ("0o", "0O"): value = int(body[2:], 8)
            elif body[:2] in ("0x", "0X"): value = int(body[2:], 16)
            elif body.startswith("0") and len(body) > 1: value = int(body[1:], 8)
            else: value = int(body)
            value *= sign
            return value if value in INT64 else float(value)
        GoV2Loader.add_constructor("tag:yaml.org,2002:int", construct_int)

        def construct_float(loader, node):
            text = loader.construct_scalar(node).replace("_", "").lower()
            if text in (".inf", "+.inf"): return float("inf")
            if text == "-.inf": return float("-inf")
            if text == ".nan": return float("nan")
            return float(text)
        GoV2Loader.add_constructor("tag:yaml.org,2002:float", construct_float)
        GoV2Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: loader.construct_scalar(node))

        def flatten_mapping(self, node):
            # go-yaml v2: `<<` writes the merged pairs where it stands; in a sequence the earlier map wins.
            pairs = []
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                    for source in reversed(sources):
                        if not isinstance(source, yaml.MappingNode):
                            raise yaml.constructor.ConstructorError(None, None, "bad merge", source.start_mark)
                        self.flatten_mapping(source)
                        pairs.extend(source.value)
                else:
                    pairs.append((key_node, value_node))
            node.value = pairs
        GoV2Loader.flatten_mapping = flatten_mapping

        class Unsupported(Exception):
            pass

        def jsonable(value):
            if isinstance(value, dict):
                result = {}
                for key, member in value.items():
                    if isinstance(key, bool): key = "true" if key else "false"
                    elif isinstance(key, int):
                        if key not in INT64: raise Unsupported("integer key beyond 64 bits")
                        key = str(key)
                    elif isinstance(key, float): key = repr(key)
                    elif key is None: raise Unsupported("null key")
                    elif not isinstance(key, str): raise Unsupported("collection key")
                    result[key] = jsonable(member)
                return result
            if isinstance(value, list): return [jsonable(v) for v in value]
            if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                raise Unsupported("non-finite number")
            return value

        def is_empty(node):
            return (isinstance(node, yaml.ScalarNode) and node.value == "" and node.style in (None, "")
                    and node.tag == "tag:yaml.org,2002:null")

        paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
        with open(sys.argv[2], "w", encoding="utf-8") as out:
            for path in paths:
                try:
                    with open(path, "rb") as handle:
                        loader = GoV2Loader(handle.read())
                    try:
                        documents = []
                        while loader.check_node():
                            node = loader.get_node()
                            if not is_empty(node):
                                documents.append(jsonable(loader.construct_document(node)))
                    finally:
                        loader.dispose()
                    record = {"path": path, "documents": documents}
                except (yaml.YAMLError, Unsupported, RecursionError, ValueError) as error:
                    record = {"path": path, "error": type(error).__name__ + ": " + str(error).replace("\n", " ")}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        """#

    struct Outcome {
        var documents: [JSONValue]?
        var error: String?
    }

    /// Runs the script over `paths` and returns the outcome per path, or throws when Python fails.
    static func load(paths: [String]) throws -> [String: Outcome] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-yaml-diff-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("paths.txt")
        let output = directory.appendingPathComponent("out.jsonl")
        let scriptFile = directory.appendingPathComponent("reference.py")
        try paths.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, list.path, output.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReferenceError(message: "python3 exited with \(process.terminationStatus): \(errorText)")
        }

        var outcomes: [String: Outcome] = [:]
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        for line in lines {
            let record = try JSONValue.parse(String(line))
            guard let path = record["path"]?.stringValue else { continue }
            outcomes[path] = Outcome(documents: record["documents"]?.arrayValue, error: record["error"]?.stringValue)
        }
        return outcomes
    }

    struct ReferenceError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
