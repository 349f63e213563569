import ArgumentParser
import Foundation
import JSONValue
import KubeClient
import YAML

/// `vigil kube`: read cluster objects with Vigil's own client (a check that Vigil sees what kubectl sees).
struct KubeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube",
        abstract: "Read Kubernetes objects through Vigil's client.",
        subcommands: [KubeGetCommand.self, KubeWatchCommand.self]
    )
}

/// The resource argument and the options shared by the `kube` subcommands.
struct KubeConnectionOptions: ParsableArguments {
    @Argument(help: "The resource: a plural, singular or short name or a kind, optionally with .group.")
    var resource: String

    @Option(help: "Path to the kubeconfig file (default: KUBECONFIG, in-cluster, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: [.short, .long], help: "The namespace (default: the context's namespace).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List across all namespaces.")
    var allNamespaces = false

    @Option(name: [.customShort("l"), .customLong("selector")], help: "A label selector, such as app=web.")
    var selector: String?

    /// Builds a client and resolves the resource argument through discovery.
    func connect() async throws -> (KubeClient, CurlKubeTransport, ResourceMapping, String?) {
        let configuration = try ClientConfiguration.load(
            kubeconfig: kubeconfig,
            context: context,
            namespace: namespace,
            environment: ProcessInfo.processInfo.environment
        )
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(configuration: configuration, transport: transport)
        do {
            let mapping = try await client.resolveResource(resource)
            let scope = mapping.namespaced && !allNamespaces ? configuration.namespace : nil
            return (client, transport, mapping, scope)
        } catch {
            await transport.shutdown()
            throw error
        }
    }
}

/// Output formats of `vigil kube get` and `watch`.
enum KubeOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, yaml, name
}

/// `vigil kube get RESOURCE [NAME]`.
struct KubeGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "List objects of a resource (paged, 500 per request), or get one by name."
    )

    @OptionGroup var connection: KubeConnectionOptions

    @Argument(help: "The name of one object.")
    var name: String?

    @Option(name: [.short, .long], help: "Output format: json, yaml or name (default: a NAMESPACE/NAME table).")
    var output: KubeOutputFormat?

    func run() async throws {
        let (client, transport, mapping, namespace) = try await connection.connect()
        let document: JSONValue
        do {
            document = try await fetch(client, mapping, namespace)
        } catch {
            await transport.shutdown()
            throw error
        }
        print(Self.render(document, output, single: name != nil, namespaced: mapping.namespaced), terminator: "")
        await transport.shutdown()
    }

    private func fetch(_ client: KubeClient, _ mapping: ResourceMapping, _ namespace: String?) async throws -> JSONValue
    {
        let document: JSONValue
        if let name {
            document = try await client.get(mapping.resource, namespace: namespace, name: name)
        } else {
            let list = try await client.listAll(
                mapping.resource,
                namespace: namespace,
                options: ListOptions(labelSelector: connection.selector)
            )
            document = [
                "apiVersion": "v1",
                "kind": "List",
                "metadata": ["resourceVersion": .string(list.resourceVersion)],
                "items": .array(list.items.map { Self.withKind($0, mapping) }),
            ]
        }
        return document
    }

    /// Typed lists omit each item's `kind`/`apiVersion`; put them back as kubectl does.
    static func withKind(_ item: JSONValue, _ mapping: ResourceMapping) -> JSONValue {
        guard case .object(var object) = item else { return item }
        var result: JSONObject = [
            "apiVersion": object["apiVersion"] ?? .string(mapping.groupVersionKind.apiVersion),
            "kind": object["kind"] ?? .string(mapping.kind),
        ]
        object["apiVersion"] = nil
        object["kind"] = nil
        result.merge(object) { first, _ in first }
        return .object(result)
    }

    static func render(_ document: JSONValue, _ format: KubeOutputFormat?, single: Bool, namespaced: Bool) -> String {
        switch format {
        case .json: return document.serialized(pretty: true) + "\n"
        case .yaml: return YAML.emit(document)
        case .name, nil:
            let items = single ? [document] : (document["items"]?.arrayValue ?? [])
            if format == .name {
                return items.map { "\($0["kind"]?.stringValue?.lowercased() ?? "object")/\(name($0))\n" }.joined()
            }
            if items.isEmpty { return "No resources found.\n" }
            let showNamespace = namespaced && items.contains { !namespace($0).isEmpty }
            var rows = [showNamespace ? ["NAMESPACE", "NAME"] : ["NAME"]]
            for item in items { rows.append(showNamespace ? [namespace(item), name(item)] : [name(item)]) }
            let width = rows.map { $0[0].count }.max() ?? 0
            return rows.map { row in
                row.count == 2 ? row[0].padding(toLength: width + 3, withPad: " ", startingAt: 0) + row[1] : row[0]
            }.joined(separator: "\n") + "\n"
        }
    }

    static func name(_ object: JSONValue) -> String { object[path: "metadata", "name"]?.stringValue ?? "" }
    static func namespace(_ object: JSONValue) -> String { object[path: "metadata", "namespace"]?.stringValue ?? "" }
}

/// `vigil kube watch RESOURCE`: list, then print every change, as an informer sees it.
struct KubeWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow changes to a resource (list, then watch with bookmarks; relists on 410)."
    )

    @OptionGroup var connection: KubeConnectionOptions

    @Option(name: [.short, .long], help: "Output format: json (one event per line) or the default text lines.")
    var output: KubeOutputFormat?

    func run() async throws {
        let (client, transport, mapping, namespace) = try await connection.connect()
        let informer = Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: mapping.resource,
                namespace: namespace,
                labelSelector: connection.selector
            )
        )
        let json = output == .json
        do {
            try await informer.run { event in Self.print(event, json: json) }
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    static func print(_ event: InformerEvent, json: Bool) {
        let line: String
        switch event {
        case .added(let object):
            line = json ? (["type": "ADDED", "object": object] as JSONValue).serialized() : "ADDED     \(key(object))"
        case .updated(let object, let changed):
            line =
                json
                ? (["type": "MODIFIED", "object": object] as JSONValue).serialized()
                : "MODIFIED  \(key(object))\(changed ? "" : " (metadata only)")"
        case .deleted(let identity, let last):
            line =
                json
                ? (["type": "DELETED", "object": last ?? ["metadata": ["name": .string(identity.name)]]] as JSONValue)
                    .serialized()
                : "DELETED   \(identity.namespace.isEmpty ? "" : identity.namespace + "/")\(identity.name)"
        case .resynced(let version, let count):
            line =
                json
                ? (["type": "SYNCED", "resourceVersion": .string(version), "count": .int(count)] as JSONValue)
                    .serialized()
                : "SYNCED    \(count) objects at resourceVersion \(version)"
        }
        // Written unbuffered so that a pipe (`| grep`) sees each event at once.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func key(_ object: JSONValue) -> String {
        let namespace = KubeGetCommand.namespace(object)
        let rv = object[path: "metadata", "resourceVersion"]?.stringValue ?? ""
        return "\(namespace.isEmpty ? "" : namespace + "/")\(KubeGetCommand.name(object)) rv=\(rv)"
    }
}
