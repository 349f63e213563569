import Testing

@testable import HTTPClient

/// The per-transfer logic without curl: waiters are plain numbers, actions are inspected directly.
struct TransferStateMachineTests {
    typealias Machine = TransferStateMachine<Int, Int>

    private func lines(_ text: String...) -> [[UInt8]] { text.map { Array("\($0)\r\n".utf8) } }

    private func streaming(bufferSize: Int) -> Machine {
        var machine = Machine(mode: .stream(bufferSize: bufferSize), method: "GET", url: "http://x/")
        guard case .submit = machine.start(1) else {
            Issue.record("start did not submit")
            return machine
        }
        for line in self.lines("HTTP/1.1 200 OK", "Content-Type: application/json") {
            #expect(machine.receivedHeaderLine(line).isProceed)
        }
        guard case .deliverHead(1, let head) = machine.receivedHeaderLine(Array("\r\n".utf8)) else {
            Issue.record("head not delivered at the end of the header block")
            return machine
        }
        #expect(head.status == 200)
        #expect(head.headers["content-type"] == "application/json")
        return machine
    }

    @Test func collectDeliversTheWholeResponseOnCompletion() {
        var machine = Machine(mode: .collect(maximumBodySize: 100), method: "GET", url: "http://x/")
        guard case .submit = machine.start(7) else { Issue.record("no submit"); return }
        for line in self.lines("HTTP/1.1 404 Not Found", "X-A: 1", "x-a: 2", "") {
            #expect(machine.receivedHeaderLine(line).isProceed)
        }
        #expect(machine.receivedBody(Array("not ".utf8)).isAccept)
        #expect(machine.receivedBody(Array("found".utf8)).isAccept)
        guard case .resumeHead(7, .success(.response(let response))) = machine.completed(
            .success(.init(version: .http1_1, newConnectionCount: 1))
        ) else { Issue.record("no response"); return }
        #expect(response.status == 404)
        #expect(response.headers.values(for: "X-A") == ["1", "2"])
        #expect(response.body == Array("not found".utf8))
        #expect(response.newConnectionCount == 1)
    }

    @Test func collectAbortsAboveTheBodyLimitAndReportsTooLarge() {
        var machine = Machine(mode: .collect(maximumBodySize: 8), method: "GET", url: "http://x/big")
        _ = machine.start(1)
        for line in self.lines("HTTP/1.1 200 OK", "") { _ = machine.receivedHeaderLine(line) }
        #expect(machine.receivedBody(Array("12345".utf8)).isAccept)
        #expect(machine.receivedBody(Array("67890".utf8)).isAbort)
        let curlError = HTTPClientError(code: .other, message: "write error", method: "GET", url: "http://x/big")
        guard case .resumeHead(1, .failure(let error)) = machine.completed(.failure(curlError)) else {
            Issue.record("no failure"); return
        }
        #expect(error.code == .responseTooLarge)
        #expect(error.url == "http://x/big")
    }

    @Test func interimAndFollowedRedirectHeadsAreSkipped() {
        var machine = Machine(mode: .stream(bufferSize: 10), method: "GET", url: "http://x/", followsRedirects: true)
        _ = machine.start(1)
        let skipped = self.lines("HTTP/1.1 100 Continue", "", "HTTP/1.1 302 Found", "Location: /next", "")
        for line in skipped {
            #expect(machine.receivedHeaderLine(line).isProceed)
        }
        for line in self.lines("HTTP/2 201", "x: y") { _ = machine.receivedHeaderLine(line) }
        guard case .deliverHead(1, let head) = machine.receivedHeaderLine(Array("\r\n".utf8)) else {
            Issue.record("final head not delivered"); return
        }
        #expect(head.status == 201)
        #expect(head.version == .http2)
        #expect(head.headers["Location"] == nil)
    }

    @Test func aRedirectIsTheFinalHeadWhenNotFollowing() {
        var machine = Machine(mode: .stream(bufferSize: 10), method: "GET", url: "http://x/")
        _ = machine.start(1)
        for line in self.lines("HTTP/1.1 302 Found", "Location: /next") { _ = machine.receivedHeaderLine(line) }
        guard case .deliverHead(_, let head) = machine.receivedHeaderLine(Array("\r\n".utf8)) else {
            Issue.record("redirect head not delivered"); return
        }
        #expect(head.status == 302)
    }

    @Test(arguments: ["garbage", "HTTP/1.1 2000 OK", "HTTP/x 200", "HTTP/1.1"])
    func malformedHeadsAbortWithAProtocolError(_ firstLine: String) {
        var machine = Machine(mode: .collect(maximumBodySize: 10), method: "GET", url: "http://x/")
        _ = machine.start(1)
        #expect(machine.receivedHeaderLine(Array("\(firstLine)\r\n".utf8)).isAbort)
        let curlError = HTTPClientError(code: .other, message: "", method: "GET", url: "http://x/")
        guard case .resumeHead(1, .failure(let error)) = machine.completed(.failure(curlError)) else {
            Issue.record("no failure"); return
        }
        #expect(error.code == .protocol)
    }

    @Test func aWaitingConsumerGetsBytesDirectly() {
        var machine = self.streaming(bufferSize: 10)
        guard case .wait = machine.nextChunk() else { Issue.record("expected wait"); return }
        guard case .wait = machine.waitForChunk(5) else { Issue.record("expected stored waiter"); return }
        guard case .deliver(5, let bytes) = machine.receivedBody([1, 2, 3]) else {
            Issue.record("expected delivery to the waiter"); return
        }
        #expect(bytes == [1, 2, 3])
        #expect(machine.statistics.bufferedBytes == 0)
        #expect(machine.statistics.deliveredBytes == 3)
    }

    @Test func aFullBufferPausesAndDrainingToHalfResumes() {
        var machine = self.streaming(bufferSize: 10)
        #expect(machine.receivedBody(Array(repeating: 1, count: 6)).isAccept)
        #expect(machine.receivedBody(Array(repeating: 2, count: 4)).isAccept)
        #expect(machine.receivedBody([3]).isPause, "11 bytes would exceed the bound of 10")
        #expect(machine.statistics.maximumBufferedBytes == 10)
        #expect(machine.statistics.pauseCount == 1)
        guard case .chunk(let first, let resumeFirst) = machine.nextChunk() else { Issue.record("no chunk"); return }
        #expect(first.count == 6)
        #expect(resumeFirst, "4 bytes left is at most half the bound: resume")
        #expect(machine.receivedBody([3]).isAccept, "curl re-delivers the refused bytes after resuming")
        guard case .chunk(let second, let resumeSecond) = machine.nextChunk() else { Issue.record("no chunk"); return }
        #expect(second.count == 4)
        #expect(!resumeSecond, "not paused any more")
    }

    @Test func oneReadLargerThanTheBoundIsAcceptedIntoAnEmptyBuffer() {
        var machine = self.streaming(bufferSize: 4)
        #expect(machine.receivedBody(Array(repeating: 0, count: 9)).isAccept)
        #expect(machine.receivedBody([1]).isPause)
        #expect(machine.statistics.maximumBufferedBytes == 9)
    }

    @Test func bufferedBytesAreReadBeforeTheTerminalError() {
        var machine = self.streaming(bufferSize: 100)
        _ = machine.receivedBody([1, 2])
        let failure = HTTPClientError(code: .protocol, message: "partial file", method: "GET", url: "http://x/")
        guard case .none = machine.completed(.failure(failure)) else { Issue.record("nobody waits"); return }
        guard case .chunk([1, 2], _) = machine.nextChunk() else { Issue.record("buffered chunk lost"); return }
        guard case .fail(let error) = machine.nextChunk() else { Issue.record("error lost"); return }
        #expect(error.code == .protocol)
        guard case .end = machine.nextChunk() else { Issue.record("after an error the stream ends"); return }
    }

    @Test func completionWakesAWaitingConsumer() {
        var machine = self.streaming(bufferSize: 100)
        _ = machine.waitForChunk(9)
        guard case .resumeChunk(9, .success(nil)) = machine.completed(.success(.init(version: nil, newConnectionCount: 0)))
        else { Issue.record("waiter not finished"); return }
    }

    @Test func cancelBeforeStartFailsTheStart() {
        var machine = Machine(mode: .collect(maximumBodySize: 1), method: "GET", url: "http://x/")
        let cancelled = machine.error(.cancelled, "cancelled")
        guard case .none = machine.cancel(cancelled) else { Issue.record("nothing to resume yet"); return }
        guard case .fail(3, let error) = machine.start(3) else { Issue.record("start must fail"); return }
        #expect(error.code == .cancelled)
    }

    @Test func cancelWhileWaitingForTheHeadFailsItOnceAndRemovesTheTransfer() {
        var machine = Machine(mode: .collect(maximumBodySize: 1), method: "GET", url: "http://x/")
        _ = machine.start(4)
        guard case .fail(head: 4, chunk: nil, let error, removeTransfer: true) = machine.cancel(
            machine.error(.cancelled, "cancelled")
        ) else { Issue.record("head waiter not failed"); return }
        #expect(error.code == .cancelled)
        guard case .none = machine.completed(.failure(error)) else { Issue.record("resumed twice"); return }
        guard case .none = machine.cancel(error) else { Issue.record("cancelled twice"); return }
    }

    @Test func cancelWhileStreamingFailsTheConsumerAndRemovesTheTransfer() {
        var machine = self.streaming(bufferSize: 100)
        _ = machine.waitForChunk(2)
        guard case .fail(head: nil, chunk: 2, _, removeTransfer: true) = machine.cancel(
            machine.error(.cancelled, "cancelled")
        ) else { Issue.record("consumer not failed"); return }
        #expect(machine.receivedBody([1]).isAbort)
        guard case .end = machine.nextChunk() else { Issue.record("a cancelled stream ends"); return }
    }

    @Test func droppingTheConsumerStopsARunningTransferOnly() {
        var running = self.streaming(bufferSize: 100)
        let stopsRunning = running.consumerGone()
        #expect(stopsRunning)
        var done = self.streaming(bufferSize: 100)
        _ = done.completed(.success(.init(version: nil, newConnectionCount: 0)))
        let stopsDone = done.consumerGone()
        #expect(!stopsDone)
    }
}

extension TransferStateMachine.HeaderAction {
    var isProceed: Bool { if case .proceed = self { true } else { false } }
    var isAbort: Bool { if case .abort = self { true } else { false } }
}

extension TransferStateMachine.BodyAction {
    var isAccept: Bool { if case .accept = self { true } else { false } }
    var isPause: Bool { if case .pause = self { true } else { false } }
    var isAbort: Bool { if case .abort = self { true } else { false } }
}
