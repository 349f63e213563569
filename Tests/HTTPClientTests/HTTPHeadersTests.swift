import HTTPClient
import Testing

struct HTTPHeadersTests {
    @Test func lookupIsCaseInsensitiveAndMultiValued() {
        var headers: HTTPHeaders = ["Set-Cookie": "a=1", "Content-Type": "text/plain"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        headers["Set-Cookie"] = "c=3"
        #expect(headers.values(for: "set-cookie") == ["c=3"])
        headers["CONTENT-TYPE"] = nil
        #expect(!headers.contains(name: "Content-Type"))
        #expect(headers.count == 1)
    }
}
