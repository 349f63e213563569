import JSONValue

/// Capped exponential back-off with jitter, as client-go's `wait.Backoff` used by the reflector:
/// each step multiplies the base delay by ``factor`` up to ``maximum``, and adds a random part of up to
/// ``jitter`` times the base delay.
public struct ExponentialBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    /// The random extra, as a fraction of the delay (client-go's reflector uses 1.0).
    public var jitter: Double
    /// The base delay of the next step (before jitter).
    public private(set) var current: Duration

    /// The reflector's defaults: 0.8 s doubling to 30 s, jitter 1.0.
    public static let reflector = ExponentialBackoff(initial: .milliseconds(800), maximum: .seconds(30))

    public init(initial: Duration, maximum: Duration, factor: Double = 2, jitter: Double = 1) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        precondition(factor >= 1 && jitter >= 0, "backoff needs factor >= 1 and jitter >= 0")
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        current = initial
    }

    /// The next delay: the current base plus jitter, after which the base grows (up to the maximum).
    public mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    /// ``next()`` with a caller-supplied random source.
    public mutating func next(using generator: inout some RandomNumberGenerator) -> Duration {
        let base = current
        current = min(maximum, base * factor)
        guard jitter > 0 else { return base }
        return base + base * (jitter * Double.random(in: 0..<1, using: &generator))
    }

    /// Starts again from ``initial`` (after a healthy period).
    public mutating func reset() {
        current = initial
    }
}
