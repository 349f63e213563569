import LookupCaching
import Testing

struct LookupCacheStateTests {
    struct Failure: Error, Equatable {
        var text: String
    }

    typealias State = LookupCacheState<Int, Failure>

    static func state(maximumEntries: Int = 100, evictsOldest: Bool = true, threshold: Int = 2) -> State {
        State(
            ttl: .seconds(60), negativeTTL: .seconds(10), maximumEntries: maximumEntries, evictsOldest: evictsOldest,
            breakerThreshold: threshold, breakerCooldown: .seconds(30))
    }

    @Test func successesAndFailuresExpireAfterTheirOwnTTL() throws {
        var state = Self.state()
        let start = ContinuousClock.now
        state.record(.success(1), key: "a", origin: "o", originFailed: false, now: start)
        state.record(.failure(Failure(text: "x")), key: "b", origin: "o", originFailed: false, now: start)
        #expect(try state.answer(for: "a", now: start + .seconds(59))?.get() == 1)
        #expect(state.answer(for: "b", now: start + .seconds(9)) != nil)
        #expect(state.answer(for: "b", now: start + .seconds(11)) == nil)
        #expect(state.answer(for: "a", now: start + .seconds(61)) == nil)
    }

    @Test func consecutiveOriginFailuresOpenTheBreakerUntilOneProbe() {
        var state = Self.state(threshold: 2)
        let start = ContinuousClock.now
        state.record(.failure(Failure(text: "down")), key: "a", origin: "o", originFailed: true, now: start)
        #expect(state.refusal(for: "o", now: start) == nil)
        state.record(.failure(Failure(text: "still down")), key: "b", origin: "o", originFailed: true, now: start)
        let refusal = state.refusal(for: "o", now: start + .seconds(1))
        #expect(refusal?.lastFailure == Failure(text: "still down"))
        #expect(refusal?.openUntil == start + .seconds(30))
        #expect(state.refusal(for: "other", now: start) == nil)
        // After the cooldown one lookup probes; others are refused until it is recorded.
        #expect(state.refusal(for: "o", now: start + .seconds(31)) == nil)
        #expect(state.refusal(for: "o", now: start + .seconds(31)) != nil)
        state.record(.success(1), key: "c", origin: "o", originFailed: false, now: start + .seconds(32))
        #expect(state.refusal(for: "o", now: start + .seconds(32)) == nil)
    }

    @Test func aFailureOfTheKeyAloneClosesTheBreakerCount() {
        var state = Self.state(threshold: 2)
        let start = ContinuousClock.now
        state.record(.failure(Failure(text: "down")), key: "a", origin: "o", originFailed: true, now: start)
        state.record(.failure(Failure(text: "not found")), key: "b", origin: "o", originFailed: false, now: start)
        state.record(.failure(Failure(text: "down")), key: "c", origin: "o", originFailed: true, now: start)
        #expect(state.refusal(for: "o", now: start) == nil)
    }

    @Test func aReleasedProbeLetsTheNextLookupProbe() {
        var state = Self.state(threshold: 1)
        let start = ContinuousClock.now
        state.record(.failure(Failure(text: "down")), key: "a", origin: "o", originFailed: true, now: start)
        let later = start + .seconds(31)
        #expect(state.refusal(for: "o", now: later) == nil)
        state.releaseProbe(of: "o")
        #expect(state.refusal(for: "o", now: later) == nil)
    }

    @Test(arguments: [true, false])
    func pastTheLimitExpiredAnswersGoFirst(evictsOldest: Bool) {
        var state = Self.state(maximumEntries: 2, evictsOldest: evictsOldest)
        let start = ContinuousClock.now
        state.record(.failure(Failure(text: "x")), key: "old-failure", origin: "o", originFailed: false, now: start)
        state.record(.success(1), key: "a", origin: "o", originFailed: false, now: start + .seconds(20))
        state.record(.success(2), key: "b", origin: "o", originFailed: false, now: start + .seconds(20))
        let now = start + .seconds(21)
        #expect(state.answer(for: "a", now: now) != nil)
        #expect(state.answer(for: "b", now: now) != nil)
    }

    /// A state holding at most two answers after three unexpired ones were recorded.
    static func overfilled(evictsOldest: Bool, at now: ContinuousClock.Instant) -> State {
        var state = Self.state(maximumEntries: 2, evictsOldest: evictsOldest)
        for (index, key) in ["a", "b", "c"].enumerated() {
            state.record(.success(index), key: key, origin: "o", originFailed: false, now: now)
        }
        return state
    }

    @Test func evictingKeepsTheNewestAnswers() {
        let now = ContinuousClock.now
        var state = Self.overfilled(evictsOldest: true, at: now)
        #expect(state.answer(for: "a", now: now) == nil)
        #expect(state.answer(for: "b", now: now) != nil)
        #expect(state.answer(for: "c", now: now) != nil)
    }

    @Test func withoutEvictionUnexpiredAnswersStay() {
        let now = ContinuousClock.now
        var state = Self.overfilled(evictsOldest: false, at: now)
        #expect(["a", "b", "c"].allSatisfy { state.answer(for: $0, now: now) != nil })
    }

    @Test func removeAllForgetsAnswersAndBreakers() {
        var state = Self.state(threshold: 1)
        let start = ContinuousClock.now
        state.record(.success(1), key: "a", origin: "p", originFailed: false, now: start)
        state.record(.failure(Failure(text: "down")), key: "b", origin: "o", originFailed: true, now: start)
        state.removeAll()
        #expect(state.answer(for: "a", now: start) == nil)
        #expect(state.refusal(for: "o", now: start) == nil)
    }
}
