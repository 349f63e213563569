/// A small arbitrary-precision unsigned integer (32-bit limbs, least significant first), only as much as
/// ``Quantity`` parsing needs: build from decimal digits, multiply and divide by small numbers.
package struct BigMagnitude: Sendable, Equatable {
    package private(set) var limbs: [UInt32] = []

    package init() {}

    package init<S: Sequence>(decimalDigits digits: S) where S.Element == Int {
        for digit in digits {
            multiply(by: 10)
            add(UInt32(digit))
        }
    }

    package var isZero: Bool { limbs.isEmpty }

    package mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
        normalize()
    }

    package mutating func add(_ value: UInt32) {
        var carry = UInt64(value)
        var index = 0
        while carry > 0 {
            if index == limbs.count { limbs.append(0) }
            let sum = UInt64(limbs[index]) + carry
            limbs[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            index += 1
        }
    }

    /// Divides in place and returns the remainder.
    package mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = (remainder << 32) | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        normalize()
        return UInt32(remainder)
    }

    /// The value when it fits in 128 bits.
    package var uint128: UInt128? {
        guard limbs.count <= 4 else { return nil }
        var result: UInt128 = 0
        for limb in limbs.reversed() { result = (result << 32) | UInt128(limb) }
        return result
    }

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
    }
}
