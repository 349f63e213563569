import Testing

@testable import HTTPClient

struct ResponseHeadParserTests {
    @Test(arguments: [
        ("HTTP/1.1 200 OK", 200, HTTPVersion.http1_1),
        ("HTTP/1.0 404 Not Found", 404, HTTPVersion.http1_0),
        ("HTTP/2 503", 503, HTTPVersion.http2),
    ])
    func statusLinesAreParsed(_ line: String, _ status: Int, _ version: HTTPVersion) {
        var parser = ResponseHeadParser(followsRedirects: false)
        #expect(parser.consume(Array("\(line)\r\n".utf8)) == .incomplete)
        #expect(parser.consume(Array("Content-Length:  3 \r\n".utf8)) == .incomplete)
        guard case .complete(let head) = parser.consume(Array("\r\n".utf8)) else {
            Issue.record("head not complete"); return
        }
        #expect(head.status == status)
        #expect(head.version == version)
        #expect(head.headers["content-length"] == "3")
    }

    @Test func aHeaderBeforeTheStatusLineIsInvalid() {
        var parser = ResponseHeadParser(followsRedirects: false)
        guard case .invalid = parser.consume(Array("Server: x\r\n".utf8)) else { Issue.record("accepted"); return }
    }
}
