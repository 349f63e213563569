import KubeValues

/// A Kubernetes `resource.Quantity` as a CEL value (`kubernetes.Quantity`): the same implementation the
/// JMESPath side uses (``KubeValues/Quantity``). Equal when the values are equal (`1Mi == 1024Ki`).
public struct CELQuantity: CELOpaqueValue {
    public let quantity: Quantity
    public var celTypeName: String { "kubernetes.Quantity" }
    public var description: String { quantity.description }

    public init(_ quantity: Quantity) { self.quantity = quantity }

    public func isEqual(to other: any CELOpaqueValue) -> Bool {
        (other as? CELQuantity).map { $0.quantity == quantity } ?? false
    }
}

/// Kubernetes' quantity library (`library.Quantity`, k8s.io/apiserver/pkg/cel/library/quantity.go) as
/// Kubernetes 1.36 declares it: `quantity(string)`, `isQuantity(string)`, the global `sign(Quantity)`, and
/// the methods `isInteger`, `asInteger`, `asApproximateFloat`, `add`/`sub` (a quantity or an int),
/// `compareTo`, `isGreaterThan`, `isLessThan`. `mul`/`div` are newer than 1.36 and absent.
public struct CELQuantityLibrary: CELLibrary {
    public init() {}

    static let kind = CELKind.opaque("kubernetes.Quantity")

    static func quantity(_ value: CELValue) -> Quantity? {
        if case .opaque(let opaque) = value { return (opaque as? CELQuantity)?.quantity }
        return nil
    }

    static func parse(_ value: CELValue) -> Result<Quantity, CELError> {
        guard case .string(let text) = value else { return .failure(.noMatchingOverload("quantity")) }
        do throws(QuantityParseError) {
            return .success(try Quantity(parsing: text))
        } catch {
            return .failure(CELError(error.description))
        }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("quantity", .string) { value in
                switch Self.parse(value) {
                case .success(let quantity): return .opaque(CELQuantity(quantity))
                case .failure(let error): return .error(error)
                }
            })
        registry.add(
            .unary("isQuantity", .string) { value in
                if case .success = Self.parse(value) { return .bool(true) }
                return .bool(false)
            })
        registry.add(.unary("sign", Self.kind) { value in .int(Int64(Self.quantity(value)?.sign ?? 0)) })
        registry.add(
            .unary("isInteger", receiver: true, Self.kind) { value in
                .bool(Self.quantity(value)?.kubernetesInteger != nil)
            })
        registry.add(
            .unary("asInteger", receiver: true, Self.kind) { value in
                guard let integer = Self.quantity(value)?.kubernetesInteger else {
                    return .error(CELError("cannot convert value to integer"))
                }
                return .int(integer)
            })
        registry.add(
            .unary("asApproximateFloat", receiver: true, Self.kind) { value in
                .double(Self.quantity(value)?.approximateDouble ?? 0)
            })
        for (name, subtract) in [("add", false), ("sub", true)] {
            for kind in [Self.kind, CELKind.int] {
                registry.add(
                    .binary(name, receiver: true, Self.kind, kind) { left, right in
                        guard let left = Self.quantity(left) else { return .error(.noMatchingOverload(name)) }
                        let other: Quantity
                        if case .int(let integer) = right {
                            other = Quantity(integer: integer, format: .decimalExponent)
                        } else if let quantity = Self.quantity(right) {
                            other = quantity
                        } else {
                            return .error(.noMatchingOverload(name))
                        }
                        do throws(QuantityOverflowError) {
                            let result = subtract ? try left.subtracting(other) : try left.adding(other)
                            return .opaque(CELQuantity(result))
                        } catch {
                            return .error(CELError(error.description))
                        }
                    })
            }
        }
        CELComparisons.register(
            into: &registry, kind: Self.kind,
            compare: { left, right in
                guard let left = Self.quantity(left), let right = Self.quantity(right) else { return nil }
                return left == right ? 0 : (left < right ? -1 : 1)
            })
    }
}

/// The `compareTo`, `isGreaterThan` and `isLessThan` methods Kubernetes' quantity and semver libraries share.
enum CELComparisons {
    static func register(
        into registry: inout CELFunctionRegistry, kind: CELKind,
        compare: @escaping @Sendable (CELValue, CELValue) -> Int?
    ) {
        registry.add(
            .binary("compareTo", receiver: true, kind, kind) { left, right in
                compare(left, right).map { .int(Int64($0)) } ?? .error(.noMatchingOverload("compareTo"))
            })
        registry.add(
            .binary("isGreaterThan", receiver: true, kind, kind) { left, right in
                compare(left, right).map { .bool($0 == 1) } ?? .error(.noMatchingOverload("isGreaterThan"))
            })
        registry.add(
            .binary("isLessThan", receiver: true, kind, kind) { left, right in
                compare(left, right).map { .bool($0 == -1) } ?? .error(.noMatchingOverload("isLessThan"))
            })
    }
}
