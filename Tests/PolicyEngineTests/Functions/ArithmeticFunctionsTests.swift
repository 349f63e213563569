import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// Cases from Kyverno's arithmetic_test.go (Test_Add ... Test_Round) plus edge cases.
struct ArithmeticFunctionsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var left: JSONValue
        var right: JSONValue
        var expected: JSONValue?
        var testDescription: String { "\(left), \(right) → \(expected.map(\.description) ?? "error")" }
        init(_ left: JSONValue, _ right: JSONValue, _ expected: JSONValue?) {
            self.left = left
            self.right = right
            self.expected = expected
        }
    }

    static func check(_ name: String, _ testCase: Case) {
        if let expected = testCase.expected {
            #expect(throws: Never.self) {
                let result = try call(name, testCase.left, testCase.right)
                #expect(result == expected)
            }
        } else {
            #expect(errorMessage(name, testCase.left, testCase.right) != nil)
        }
    }

    @Test(arguments: [
        Case(12, 13, 25), Case("12", "13s", nil), Case(12, "13Ki", nil), Case(12, "13", nil),
        Case("12Ki", "13Ki", "25Ki"), Case("12Ki", "13", "12301"), Case("12Ki", "13s", nil), Case("12Ki", 13, nil),
        Case("12s", "13s", "25s"), Case("12s", 13, nil), Case("12s", "13Ki", nil), Case("12s", "13", nil),
        Case("1h", "30m0s", "1h30m0s"), Case("100m", "900m", "1"), Case("1.5Gi", "512Mi", "2Gi"),
        Case(0.1, 0.2, 0.30000000000000004), Case("0", "1Ki", "1Ki"), Case(true, 1, nil), Case(1, true, nil),
        Case("abc", "1", nil),
    ])
    func add(testCase: Case) { Self.check("add", testCase) }

    @Test func addErrorMessages() {
        #expect(errorMessage("add", "12Ki", 13) == "JMESPath function 'add': Types mismatch")
        #expect(errorMessage("add", true, 1) == "JMESPath function 'add': invalid operand")
    }

    static let sumCases: [Case] = [
        Case([12], nil, 12), Case([12, 13, 1, 4], nil, 30), Case([12, 13], nil, 25), Case(["12Ki"], nil, "12Ki"),
        Case(["12Ki", "13Ki", "1Ki", "4Ki"], nil, "30Ki"), Case(["12Ki", "13Ki"], nil, "25Ki"),
        Case(["12Ki", "13"], nil, "12301"), Case(["12s"], nil, "12s"), Case(["12s", "13s", "1s", "4s"], nil, "30s"),
        Case(["12s", "13s"], nil, "25s"),
    ]

    @Test(arguments: sumCases)
    func sum(testCase: Case) throws {
        #expect(try call("sum", testCase.left) == testCase.expected)
    }

    @Test(arguments: [
        [] as JSONValue, ["12", "13s"], [12, "13Ki"], [12, "13"], ["12Ki", "13s"], ["12Ki", 13], ["12s", 13],
        ["12s", "13Ki"], ["12s", "13"],
    ])
    func sumRejects(items: JSONValue) {
        #expect(errorMessage("sum", items) != nil)
    }

    @Test func sumMessages() {
        #expect(errorMessage("sum", []) == "JMESPath function 'sum': at least one element in the array is required")
        #expect(errorMessage("sum", [1, "1s"]) == "JMESPath function 'sum': Types mismatch")
        #expect(errorMessage("sum", "x") == "JMESPath function 'sum': Types mismatch")
    }

    @Test(arguments: [
        Case(12, 13, -1), Case("12", "13s", nil), Case(12, "13Ki", nil), Case(12, "13", nil),
        Case("12Ki", "13Ki", "-1Ki"), Case("12Ki", "13", "12275"), Case("12Ki", "13s", nil), Case("12Ki", 13, nil),
        Case("12s", "13s", "-1s"), Case("12s", 13, nil), Case("12s", "13Ki", nil), Case("12s", "13", nil),
        Case("1", "1500m", "-500m"),
    ])
    func subtract(testCase: Case) { Self.check("subtract", testCase) }

    @Test(arguments: [
        Case("12Ki", 2, "24Ki"), Case("12Ki", "12Ki", nil), Case("12Ki", "12", nil), Case("12Ki", "12s", nil),
        Case("12s", 2, "24s"), Case("12s", "12Ki", nil), Case("12s", "12", nil), Case("12s", "12s", nil),
        Case(2.5, 2.5, 6.25), Case(2.5, "12Ki", "30Ki"), Case(2.5, "12", "30"), Case(2.5, "40s", "1m40s"),
        Case("1m", 0.5, "500u"), Case("100Mi", 1.5, "150Mi"), Case("1h", 0.5, "30m0s"),
    ])
    func multiply(testCase: Case) { Self.check("multiply", testCase) }

    @Test(arguments: [
        Case("256M", "256M", 1), Case("512M", "256M", 2), Case("8", "3", .double(8.0 / 3.0)), Case("128M", "256M", 0.5),
        Case("12Ki", 3, "4Ki"), Case("12Ki", "2Ki", 6), Case("12Ki", "200", 61.44), Case("12Ki", "2s", nil),
        Case("12s", 3, "4s"), Case("12s", "5s", 2.4), Case("12s", "4Ki", nil), Case("12s", "4", nil),
        Case(14, 3, 4.666666666666667), Case(14, "5s", nil), Case(14, "5Ki", nil), Case(14, "5", nil),
        Case(14, 0, nil), Case("4Ki", 0, nil), Case("4Ki", "0Ki", nil), Case("4", 0, nil), Case("4", "0", nil),
        Case("4s", 0, nil), Case("4s", "0s", nil), Case("12Ki", 5, "2457"), Case("1.5", 2, "700m"),
    ])
    func divide(testCase: Case) { Self.check("divide", testCase) }

    @Test func divideByZeroMessage() {
        #expect(errorMessage("divide", 14, 0) == "JMESPath function 'divide': Zero divisor passed")
        #expect(errorMessage("divide", "4s", "0s") == "JMESPath function 'divide': Zero divisor passed")
    }

    @Test(arguments: [
        Case("12", "13s", nil), Case("12Ki", "13s", nil), Case("12Ki", 13, nil), Case("12Ki", "5Ki", "2Ki"),
        Case("13s", "12", nil), Case("13s", "12Ki", nil), Case("13s", "2s", "1s"), Case("13s", 2, nil),
        Case(13, "12", nil), Case(13, "12Ki", nil), Case(13, "5s", nil), Case(13, 5, 3), Case(14, 0, nil),
        Case("4Ki", 0, nil), Case("4Ki", "0Ki", nil), Case("4", 0, nil), Case("4", "0", nil), Case("4s", 0, nil),
        Case("4s", "0s", nil), Case("4", "1.5", nil), Case("4.5", "1", nil), Case(14, 1.5, nil), Case(14.5, 2, nil),
        Case(-7, 3, -1), Case(-9_223_372_036_854_775_807, -1, 0),
    ])
    func modulo(testCase: Case) { Self.check("modulo", testCase) }

    @Test func moduloMessages() {
        #expect(
            errorMessage("modulo", 14, 1.5) == "JMESPath function 'modulo': Non-integer argument(s) passed for modulo")
        #expect(errorMessage("modulo", 14, 0) == "JMESPath function 'modulo': Zero divisor passed")
    }

    @Test(arguments: [
        Case(9.414675, 2, 9.41), Case(14.123, 6, 14.123), Case(2.5, 0, 3), Case(-2.5, 0, -3), Case(1.005, 400, 1.005),
        Case(23, "12Ki", nil), Case(21, "5s", nil), Case(14, 1.5, nil), Case(14, -2, nil),
    ])
    func round(testCase: Case) { Self.check("round", testCase) }

    @Test func roundMessages() {
        #expect(
            errorMessage("round", 14, 1.5) == "JMESPath function 'round': Non-integer argument(s) passed for round off")
        #expect(errorMessage("round", 14, -2) == "JMESPath function 'round': 2 argument is out of bounds (-2)")
        #expect(errorMessage("round", "1", 2) == "JMESPath function 'round': argument #1 is not of type float64")
    }

    @Test func wholeNumberResultsAreIntegers() throws {
        // Go prints float64 25 as 25; an integer JSON value prints the same way.
        #expect(try call("add", 12, 13).description == "25")
        #expect(try call("divide", 1, 4).description == "0.25")
    }
}
