import JMESPath
import JSONValue
import Testing

struct JMESPathFunctionRegistryTests {
    @Test func registeringAnExistingNameReplacesIt() {
        var registry = JMESPathFunctionRegistry()
        registry.register(
            JMESPathFunction(name: "f", parameters: [], returns: .number, summary: "one") { _ in .int(1) })
        registry.register(
            JMESPathFunction(name: "f", parameters: [], returns: .number, summary: "two") { _ in .int(2) })
        #expect(registry.functions.count == 1)
        #expect(registry.function(named: "f")?.summary == "two")
    }

    @Test func signatureIsWrittenAsTheSpecification() {
        let function = JMESPathFunction(
            name: "merge", parameters: [JMESPathParameter(.object)], variadic: true, returns: .object,
            summary: ""
        ) { _ in .null }
        #expect(function.signature == "object merge(object...)")
    }
}
