import Foundation
import JSONValue
import LocalAPIServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small HTTP client for in-process tests (URLSession; FoundationNetworking on Linux).
struct TestClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var json: JSONValue {
            (try? JSONValue.parse(body)) ?? .null
        }

        /// The newline-delimited JSON lines of a watch stream.
        var lines: [JSONValue] {
            String(decoding: body, as: UTF8.self).split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let baseURL: String
    var token: String?

    func request(
        _ method: String, _ path: String, body: JSONValue? = nil, rawBody: [UInt8]? = nil,
        contentType: String = "application/json", headers: [String: String] = [:]
    ) async throws -> Reply {
        guard let url = URL(string: baseURL + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let body { request.httpBody = Data(body.serializedBytes()) }
        if let rawBody { request.httpBody = Data(rawBody) }
        if request.httpBody != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: Array(data))
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request("GET", path, headers: headers)
    }

    func post(_ path: String, _ body: JSONValue) async throws -> Reply {
        try await request("POST", path, body: body)
    }

    func put(_ path: String, _ body: JSONValue) async throws -> Reply {
        try await request("PUT", path, body: body)
    }

    func patch(_ path: String, _ body: JSONValue, type: String) async throws -> Reply {
        try await request("PATCH", path, body: body, contentType: type)
    }

    func delete(_ path: String, _ body: JSONValue? = nil) async throws -> Reply {
        try await request("DELETE", path, body: body)
    }
}

/// Starts a plain-HTTP server on a free port for one test and stops it afterwards.
func withServer<T>(
    _ configuration: LocalAPIServer.Configuration = .init(port: 0, tls: .disabled),
    _ body: (LocalAPIServer, TestClient) async throws -> T
) async throws -> T {
    let server = try LocalAPIServer(configuration: configuration)
    try await server.start()
    let client = TestClient(baseURL: server.baseURL, token: configuration.tokens.first)
    do {
        let result = try await body(server, client)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

enum Fixtures {
    static func pod(_ name: String, namespace: String = "default", labels: [String: String] = [:]) -> JSONValue {
        var labelObject = JSONObject()
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { labelObject[key] = .string(value) }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labelObject)],
            "spec": ["containers": [["name": "app", "image": "nginx:1.27"]]],
        ]
    }

    static func namespace(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }

    /// A namespaced CRD `widgets.example.com` with printer columns and a status subresource.
    static let widgetCRD: JSONValue = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "widgets.example.com"],
        "spec": [
            "group": "example.com", "scope": "Namespaced",
            "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]],
            "versions": [
                [
                    "name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                    "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                    "additionalPrinterColumns": [
                        ["name": "Size", "type": "integer", "jsonPath": ".spec.size"],
                        ["name": "Color", "type": "string", "jsonPath": ".spec.color"],
                        [
                            "name": "Ready", "type": "string",
                            "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status",
                        ],
                        ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
                    ],
                ]
            ],
        ],
    ]

    static func widget(_ name: String, size: Int, namespace: String = "default") -> JSONValue {
        [
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["size": .int(size), "color": "blue"],
        ]
    }
}
