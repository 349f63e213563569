import Foundation
import JSONValue
import Testing

@testable import KubeClient

struct LeaseObservationTests {
    @Test func judgesExpiryByLocalObservationTime() {
        let clock = ContinuousClock()
        let start = clock.now
        var observation = LeaseObservation()
        // The holder's renewTime is far in the past by the remote clock: irrelevant.
        let record = LeaseRecord(
            holderIdentity: "a", leaseDurationSeconds: 15, renewTime: Date(timeIntervalSince1970: 0),
            leaseTransitions: 3)
        observation.observe(record, at: start)
        #expect(!observation.mayAcquire(as: "b", now: start + .seconds(14)))
        // Seeing the same record again does not extend it...
        observation.observe(record, at: start + .seconds(10))
        #expect(observation.mayAcquire(as: "b", now: start + .seconds(15)))
        // ...but a renewal (a changed record) does.
        var renewed = record
        renewed.renewTime = Date(timeIntervalSince1970: 1)
        observation.observe(renewed, at: start + .seconds(15))
        #expect(!observation.mayAcquire(as: "b", now: start + .seconds(29)))
        // The holder itself may always renew; an empty holder is free.
        #expect(observation.mayAcquire(as: "a", now: start))
        observation.observe(LeaseRecord(holderIdentity: "", leaseDurationSeconds: 1), at: start)
        #expect(observation.mayAcquire(as: "b", now: start))
    }

    @Test func takeoverCountsTransitionsRenewalKeepsAcquireTime() {
        var observation = LeaseObservation()
        let acquired = Date(timeIntervalSince1970: 1_000)
        observation.observe(
            LeaseRecord(holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: acquired, leaseTransitions: 2),
            at: ContinuousClock().now)
        let renewal = observation.nextRecord(
            for: "a", leaseDuration: .seconds(15), wallTime: Date(timeIntervalSince1970: 2_000))
        #expect(renewal.acquireTime == acquired)
        #expect(renewal.leaseTransitions == 2)
        let takeover = observation.nextRecord(
            for: "b", leaseDuration: .seconds(15), wallTime: Date(timeIntervalSince1970: 2_000))
        #expect(takeover.acquireTime == Date(timeIntervalSince1970: 2_000))
        #expect(takeover.leaseTransitions == 3)
        #expect(
            LeaseObservation().nextRecord(for: "a", leaseDuration: .seconds(15), wallTime: acquired).leaseTransitions
                == 0)
    }

    @Test func specRoundTripsWithMicroTime() throws {
        let record = LeaseRecord(
            holderIdentity: "pod-1",
            leaseDurationSeconds: 15,
            acquireTime: Date(timeIntervalSince1970: 1_700_000_000.123456),
            renewTime: Date(timeIntervalSince1970: 1_700_000_001),
            leaseTransitions: 4
        )
        let spec = record.spec
        #expect(spec["renewTime"] == "2023-11-14T22:13:21.000000Z")
        let acquire = try #require(spec["acquireTime"]?.stringValue)
        #expect(acquire.hasPrefix("2023-11-14T22:13:20.12345"))
        let decoded = LeaseRecord(lease: ["spec": spec])
        #expect(decoded.holderIdentity == "pod-1")
        #expect(decoded.leaseTransitions == 4)
        #expect(abs((decoded.acquireTime?.timeIntervalSince1970 ?? 0) - 1_700_000_000.123456) < 0.00001)
    }
}
