import Testing

@testable import HTTPClient

struct LineSplitterTests {
    @Test func linesSplitAcrossAndWithinChunksAreReassembled() {
        var splitter = LineSplitter()
        var lines: [String] = []
        for chunk in ["{\"a\"", ":1}\n{\"b\":2}\r\n\n{\"c", "\":3}\n"] {
            splitter.append(Array(chunk.utf8))
            while let line = splitter.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", "", "{\"c\":3}"])
        #expect(splitter.pendingCount == 0)
    }

    @Test func aPartialLineStaysPending() {
        var splitter = LineSplitter()
        splitter.append(Array("one\ntw".utf8))
        #expect(splitter.nextLine() == Array("one".utf8))
        #expect(splitter.nextLine() == nil)
        #expect(splitter.pendingCount == 2)
    }

    @Test func manyLinesKeepTheBufferCompact() {
        var splitter = LineSplitter()
        var count = 0
        for index in 0..<10_000 {
            splitter.append(Array("line \(index)\n".utf8))
            while let line = splitter.nextLine() {
                #expect(line == Array("line \(count)".utf8))
                count += 1
            }
        }
        #expect(count == 10_000)
        #expect(splitter.pendingCount == 0)
    }
}
