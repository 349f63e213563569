import Foundation
import JSONValue

/// The leader election fields of a `coordination.k8s.io/v1` Lease's `spec`.
public struct LeaseRecord: Sendable, Hashable {
    public var holderIdentity: String
    public var leaseDurationSeconds: Int
    public var acquireTime: Date?
    public var renewTime: Date?
    public var leaseTransitions: Int

    public init(
        holderIdentity: String,
        leaseDurationSeconds: Int,
        acquireTime: Date? = nil,
        renewTime: Date? = nil,
        leaseTransitions: Int = 0
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    /// Reads `spec` of a Lease (missing fields are empty or zero).
    public init(lease: JSONValue) {
        let spec = lease["spec"] ?? .object([:])
        holderIdentity = spec["holderIdentity"]?.stringValue ?? ""
        leaseDurationSeconds = spec["leaseDurationSeconds"]?.intValue ?? 0
        acquireTime = spec["acquireTime"]?.stringValue.flatMap(RFC3339.date(from:))
        renewTime = spec["renewTime"]?.stringValue.flatMap(RFC3339.date(from:))
        leaseTransitions = spec["leaseTransitions"]?.intValue ?? 0
    }

    /// The `spec` object, times as `MicroTime`.
    public var spec: JSONValue {
        var spec: JSONObject = [
            "holderIdentity": .string(holderIdentity),
            "leaseDurationSeconds": .int(leaseDurationSeconds),
            "leaseTransitions": .int(leaseTransitions),
        ]
        if let acquireTime { spec["acquireTime"] = .string(RFC3339.microTime(acquireTime)) }
        if let renewTime { spec["renewTime"] = .string(RFC3339.microTime(renewTime)) }
        return .object(spec)
    }
}

/// The pure decision part of leader election: whether a candidate may take or renew a lease, judged by
/// when this process last saw the record change (local monotonic time), never by the remote
/// `renewTime`, so clock skew between machines cannot cause two leaders.
public struct LeaseObservation: Sendable {
    public private(set) var record: LeaseRecord?
    public private(set) var observedAt: ContinuousClock.Instant?

    public init() {}

    /// Records what was read; the observation time moves only when the record changed.
    public mutating func observe(_ record: LeaseRecord, at now: ContinuousClock.Instant) {
        if record != self.record {
            self.record = record
            observedAt = now
        }
    }

    /// Whether `identity` may write the lease now: it holds it, nobody holds it, or the holder has not
    /// renewed for the lease duration as observed here.
    public func mayAcquire(as identity: String, now: ContinuousClock.Instant) -> Bool {
        guard let record, !record.holderIdentity.isEmpty, record.holderIdentity != identity else { return true }
        guard let observedAt else { return true }
        return observedAt + .seconds(record.leaseDurationSeconds) <= now
    }

    /// The record to write to take or renew the lease: renewal keeps `acquireTime` and the transition
    /// count; a takeover sets a new `acquireTime` and counts a transition.
    public func nextRecord(for identity: String, leaseDuration: Duration, wallTime: Date) -> LeaseRecord {
        // The API counts whole seconds; round up so that a lease is never shorter than configured.
        let components = leaseDuration.components
        let seconds = max(1, Int(components.seconds) + (components.attoseconds > 0 ? 1 : 0))
        if let record, record.holderIdentity == identity {
            return LeaseRecord(
                holderIdentity: identity,
                leaseDurationSeconds: seconds,
                acquireTime: record.acquireTime ?? wallTime,
                renewTime: wallTime,
                leaseTransitions: record.leaseTransitions
            )
        }
        let transitions = (record?.leaseTransitions ?? -1) + 1
        return LeaseRecord(
            holderIdentity: identity,
            leaseDurationSeconds: seconds,
            acquireTime: wallTime,
            renewTime: wallTime,
            leaseTransitions: record == nil ? 0 : transitions
        )
    }
}
