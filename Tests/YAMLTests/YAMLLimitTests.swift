import JSONValue
import Testing
import YAML

@Suite struct YAMLLimitTests {
    /// The classic "billion laughs": nine levels of ten aliases would expand to 10^9 strings.
    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func billionLaughsIsRefused() throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load(Self.billionLaughs) }
        #expect(error?.kind == .aliasLimit)
        // The expansion passes 10 million nodes inside line 8 (h: 9^8 * 10 nodes).
        #expect(error?.line == 8)
    }

    @Test func aliasLimitIsConfigurable() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
        #expect(try YAML.load(text).count == 1)
        let error = #expect(throws: YAMLError.self) {
            try YAML.load(text, options: YAMLLoadOptions(maximumNodeCount: 12))
        }
        #expect(error?.kind == .aliasLimit)
        #expect(error?.line == 2)
        #expect(error?.column == 9)
    }

    @Test func depthLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let error = #expect(throws: YAMLError.self) { try YAML.load(deep) }
        #expect(error?.kind == .depthLimit)
        #expect(error?.column == 513)
        let options = YAMLLoadOptions(maximumDepth: 1000)
        #expect(try YAML.load(deep, options: options).count == 1)
    }

    @Test func depthLimitCountsWhatAliasesExpandTo() throws {
        let text = "a: &a [[[[1]]]]\nb: [[*a]]\n"
        let error = #expect(throws: YAMLError.self) { try YAML.load(text, options: YAMLLoadOptions(maximumDepth: 6)) }
        #expect(error?.kind == .depthLimit)
        #expect(error?.line == 2)
        #expect(try YAML.load(text, options: YAMLLoadOptions(maximumDepth: 7)).count == 1)
    }

    @Test func deeplyNestedBlockMappingsDoNotOverflowTheStack() throws {
        var text = ""
        for level in 0..<400 { text += String(repeating: " ", count: level) + "k:\n" }
        let loaded = try YAML.loadSingle(text)
        var depth = 0
        var current: JSONValue? = loaded
        while let next = current?["k"] {
            depth += 1
            current = next
        }
        #expect(depth == 400)
    }
}
