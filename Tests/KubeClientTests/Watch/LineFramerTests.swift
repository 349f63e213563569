import Testing

@testable import KubeClient

struct LineFramerTests {
    @Test func joinsLinesSplitAcrossChunks() throws {
        var framer = LineFramer()
        let text = Array("{\"a\":1}\n{\"b\":\"é\"}\r\n\n{\"c\":3}\n".utf8)
        // Every split point, including inside the two-byte é.
        for split in 0...text.count {
            var framer = LineFramer()
            var lines = try framer.append(text[..<split])
            lines += try framer.append(text[split...])
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":"é"}"#, #"{"c":3}"#])
            #expect(framer.finish() == nil)
        }
        // One byte at a time.
        var lines: [[UInt8]] = []
        for byte in text { lines += try framer.append([byte]) }
        #expect(lines.count == 3)
    }

    @Test func keepsPartialLineUntilFinish() throws {
        var framer = LineFramer()
        #expect(try framer.append(Array("abc".utf8)).isEmpty)
        #expect(framer.bufferedByteCount == 3)
        #expect(framer.finish() == Array("abc".utf8))
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func capsLineLength() throws {
        var framer = LineFramer(maximumLineLength: 8)
        #expect(try framer.append(Array("12345678\n".utf8)).count == 1)
        _ = try framer.append(Array("1234".utf8))
        #expect(throws: LineFramer.LineTooLong.self) { _ = try framer.append(Array("56789".utf8)) }
    }
}
