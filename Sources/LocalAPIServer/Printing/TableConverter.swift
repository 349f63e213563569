import Foundation
import JSONValue

/// Builds `meta.k8s.io/v1` `Table` documents for server-side printing (`kubectl get`): columns from a
/// CRD's `additionalPrinterColumns`, or the columns kube-apiserver prints for the built-in kinds.
struct TableConverter: Sendable {
    /// What each row's `object` holds (`includeObject`).
    enum IncludeObject: String, Sendable {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    struct Column: Sendable {
        var definition: PrinterColumn
        var cell: @Sendable (JSONValue, Date) -> JSONValue
    }

    let columns: [Column]
    let includeObject: IncludeObject

    static let nameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may "
        + "allow a client to request the generation of an appropriate name automatically. Name is primarily "
        + "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
        + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

    init(resource: ResourceInfo, includeObject: IncludeObject) {
        self.includeObject = includeObject
        let name = Column(
            definition: PrinterColumn(
                name: "Name", type: "string", format: "name", description: Self.nameDescription,
                jsonPath: ".metadata.name"),
            cell: { object, _ in object[path: "metadata", "name"] ?? "" })
        if let printerColumns = resource.printerColumns {
            let custom =
                printerColumns.isEmpty
                ? [PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")]
                : printerColumns
            columns = [name] + custom.map(Self.customColumn)
        } else {
            columns = [name] + BuiltinPrinters.columns(for: resource.kind)
        }
    }

    /// A column evaluated by JSONPath, typed as apiextensions-apiserver's table convertor does.
    static func customColumn(_ definition: PrinterColumn) -> Column {
        let path = PrinterJSONPath(definition.jsonPath)
        return Column(definition: definition) { object, now in
            guard let value = path?.evaluate(object).first, !value.isNull else { return .null }
            switch definition.type {
            case "integer":
                return value.intValue.map { .int($0) } ?? .null
            case "number":
                return value.isNumber ? value : .null
            case "boolean":
                return value.boolValue.map { .bool($0) } ?? .null
            case "date":
                guard let text = value.stringValue else { return .null }
                return .string(HumanDuration.age(of: text, now: now))
            default:
                return .string(PrinterJSONPath.plainText(value))
            }
        }
    }

    var columnDefinitions: JSONValue {
        .array(
            columns.map { column in
                let definition = column.definition
                return [
                    "name": .string(definition.name), "type": .string(definition.type),
                    "format": .string(definition.format), "description": .string(definition.description),
                    "priority": .int(definition.priority),
                ]
            })
    }

    /// One row for an object.
    func row(_ object: JSONValue, now: Date) -> JSONValue {
        var row: JSONObject = ["cells": .array(columns.map { $0.cell(object, now) })]
        switch includeObject {
        case .none: break
        case .metadata:
            row["object"] = [
                "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": object["metadata"] ?? [:],
            ]
        case .object: row["object"] = object
        }
        return .object(row)
    }

    /// A Table document for a list page (or one watch event).
    func table(_ objects: [JSONValue], listMetadata: JSONObject, now: Date = Date()) -> JSONValue {
        [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(listMetadata),
            "columnDefinitions": columnDefinitions, "rows": .array(objects.map { row($0, now: now) }),
        ]
    }
}
