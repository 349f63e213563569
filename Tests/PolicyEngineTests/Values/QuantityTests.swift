import KubeValues
import PolicyEngine
import Testing

/// Kubernetes resource.Quantity parsing and canonical printing (values from apimachinery's quantity_test.go).
struct QuantityTests {
    @Test(arguments: [
        ("100Mi", "100Mi"), ("1.5Gi", "1536Mi"), ("250m", "250m"), ("1e3", "1e3"), ("1k", "1k"), ("0", "0"),
        ("0.5", "500m"), ("1000m", "1"), ("1024Ki", "1Mi"), ("8Ki", "8Ki"), ("1.0", "1"), ("100", "100"),
        ("1000", "1k"), ("12301", "12301"), ("1E3", "1E3"), ("1e-3", "1e-3"), ("0.1m", "100u"), ("1n", "1n"),
        ("0.0000000001", "1n"), ("-1.5Gi", "-1536Mi"), ("512Ki", "512Ki"), ("0.5Ki", "512"), ("1.5", "1500m"),
        ("+1", "+1"), ("5.", "5."), ("00100", "00100"), ("1Ei", "1Ei"), ("8Ei", "9223372036854775807"),
        ("1e100", "10e99"), ("1e19", "10e18"), ("10Mi", "10Mi"), ("1.1Mi", "1153433600m"), ("1000Ki", "1000Ki"),
        ("1024", "1024"),
    ])
    func canonicalText(input: String, expected: String) throws {
        #expect(try Quantity(parsing: input).description == expected)
    }

    @Test(arguments: ["", "abc", "1h", "1.5.5", "10MiB", "1e", "1e100m", "Mi1", "1 Mi", "--1"])
    func rejectsInvalid(input: String) {
        #expect(throws: QuantityParseError.self) { try Quantity(parsing: input) }
    }

    @Test func suffixOnlyTextIsZeroAsInKubernetes() throws {
        #expect(try Quantity(parsing: "Ki").isZero)
        #expect(try Quantity(parsing: "-").isZero)
    }

    @Test func comparesByValue() throws {
        #expect(try Quantity(parsing: "1Gi") == Quantity(parsing: "1073741824"))
        #expect(try Quantity(parsing: "1000m") == Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "999m") < Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "-1") < Quantity(parsing: "0"))
        #expect(try Quantity(parsing: "1Mi") > Quantity(parsing: "1M"))
        #expect(try Set([Quantity(parsing: "1k"), Quantity(parsing: "1000")]).count == 1)
    }

    @Test func arithmeticIsExact() throws {
        let sum = try Quantity(parsing: "0.1").adding(Quantity(parsing: "0.2"))
        #expect(sum.description == "300m")
        #expect(try Quantity(parsing: "1Gi").subtracting(Quantity(parsing: "1Gi")).description == "0")
        #expect(try Quantity(parsing: "12Ki").dividedRoundingDown(by: Quantity(parsing: "5")).description == "2457")
        #expect(throws: QuantityOverflowError.self) {
            try Quantity(parsing: "1").dividedRoundingDown(by: Quantity(parsing: "0"))
        }
        #expect(try Quantity(parsing: "250m").approximateDouble == 0.25)
        #expect(try Quantity(parsing: "1.5").integerValue == 2)
        #expect(try Quantity(parsing: "100Mi").format == .binarySI)
    }
}

/// Go time.Duration parsing and String() (values from Go's time tests).
struct GoDurationTests {
    @Test(arguments: [
        ("0", 0 as Int64), ("5s", 5_000_000_000), ("30s", 30_000_000_000), ("1478s", 1_478_000_000_000),
        ("-5s", -5_000_000_000),
        ("+5s", 5_000_000_000), ("-0", 0), ("+0", 0), ("5.0s", 5_000_000_000), ("5.6s", 5_600_000_000),
        ("5.s", 5_000_000_000),
        (".5s", 500_000_000), ("1.0s", 1_000_000_000), ("1.00s", 1_000_000_000), ("1.004s", 1_004_000_000),
        ("100.00100s", 100_001_000_000), ("10ns", 10), ("11us", 11_000), ("12µs", 12_000), ("12μs", 12_000),
        ("13ms", 13_000_000), ("14s", 14_000_000_000), ("15m", 900_000_000_000), ("16h", 57_600_000_000_000),
        ("3h30m", 12_600_000_000_000), ("10.5s4m", 250_500_000_000), ("-2m3.4s", -123_400_000_000),
        ("1h2m3s4ms5us6ns", 3_723_004_005_006), ("39h9m14.425s", 140_954_425_000_000),
        ("52763797000ns", 52_763_797_000), ("0.3333333333333333333h", 1_200_000_000_000),
        ("9007199254740993ns", 9_007_199_254_740_993), ("9223372036854775807ns", Int64.max),
        ("9223372036.854775807s", Int64.max), ("-9223372036854775808ns", Int64.min), ("1.5h", 5_400_000_000_000),
    ])
    func parses(text: String, nanoseconds: Int64) throws {
        #expect(try GoDuration(parsing: text).nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        ("", "time: invalid duration \"\""), ("3", "time: missing unit in duration \"3\""),
        ("-", "time: invalid duration \"-\""), ("s", "time: invalid duration \"s\""),
        (".", "time: invalid duration \".\""),
        ("-.", "time: invalid duration \"-.\""), (".s", "time: invalid duration \".s\""),
        ("+.s", "time: invalid duration \"+.s\""),
        ("1d", "time: unknown unit \"d\" in duration \"1d\""),
        ("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""),
        ("9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\""),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: GoDurationParseError(input: text, message: message)) { try GoDuration(parsing: text) }
    }

    @Test(arguments: [
        (0 as Int64, "0s"), (1, "1ns"), (1100, "1.1µs"), (2_200_000, "2.2ms"), (3_300_000_000, "3.3s"),
        (245_000_000_000, "4m5s"), (245_001_000_000, "4m5.001s"), (18_367_001_000_000, "5h6m7.001s"),
        (480_000_000_001, "8m0.000000001s"),
        (Int64.max, "2562047h47m16.854775807s"), (Int64.min, "-2562047h47m16.854775808s"), (-1_500_000_000, "-1.5s"),
        (5_400_000_000_000, "1h30m0s"),
    ])
    func prints(nanoseconds: Int64, text: String) {
        #expect(GoDuration(nanoseconds: nanoseconds).description == text)
    }
}

/// Wildcard matching cases from Kyverno's ext/wildcard/match_test.go.
struct WildcardTests {
    @Test(arguments: [
        ("*", "s3:GetObject", true), ("", "s3:GetObject", false), ("", "", true),
        ("s3:*", "s3:ListMultipartUploadParts", true),
        ("s3:ListBucketMultipartUploads", "s3:ListBucket", false), ("s3:ListBucket", "s3:ListBucket", true),
        ("my-bucket/oo*", "my-bucket/oo", true), ("my-bucket/In*", "my-bucket/India/Karnataka/", true),
        ("my-bucket/In*", "my-bucket/Karnataka/India/", false),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Ban", true),
        ("my-bucket/In*/Ka*/Ban", "my-bucket/India/Karnataka/Bangalore", false),
        ("my-bucket/In*/Ka*/Ban*", "my-bucket/India/Karnataka/Bangalore", true),
        ("my-bucket/oo*", "my-bucket/odo", false),
        ("my-bucket?/abc*", "mybucket/abc", false), ("my-bucket?/abc*", "my-bucket1/abc", true),
        ("my-?-bucket/abc*", "my--bucket/abc", false), ("my-?-bucket/abc*", "my-1-bucket/abc", true),
        ("my??bucket/abc*", "mybucket/abc", false), ("my??bucket/abc*", "my4abucket/abc", true),
        ("my-bucket?abc*", "my-bucket/abc", true), ("my-bucket/abc?efg", "my-bucket/abcdefg", true),
        ("my-bucket/abc????", "my-bucket/abc", false), ("my-bucket/abc????", "my-bucket/abcde", false),
        ("my-bucket/abc????", "my-bucket/abcdefg", true), ("my-bucket/abc?", "my-bucket/abc", false),
        ("my-bucket/mnop*?", "my-bucket/mnop", false), ("my-bucket/mnop*?", "my-bucket/mnopqrst/mnopqr", true),
        ("my-bucket/mnop*?and", "my-bucket/mnopqand", true), ("my-bucket/mnop*?and", "my-bucket/mnopand", false),
        ("my-bucket/mnop*?and?", "my-bucket/mnopqanda", true), ("my-bucket/mnop*?and", "my-bucket/mnopqanda", false),
        ("my-bucket/mnop*??", "my-bucket/mnopqrst", true), ("my-bucket/mnop*qrst", "my-bucket/mnopabcdegqrst", true),
        ("**", "", true), ("a*b*c", "abc", true), ("a*b*c", "acb", false),
    ])
    func matches(pattern: String, text: String, expected: Bool) {
        #expect(Wildcard(pattern).matches(text) == expected)
    }

    @Test func longPatternsStayFast() {
        let text = String(repeating: "a", count: 5000)
        #expect(!Wildcard(String(repeating: "*a", count: 50) + "b").matches(text))
    }
}
