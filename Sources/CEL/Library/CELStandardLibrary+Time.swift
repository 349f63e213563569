extension CELStandardLibrary {
    func registerTime(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("timestamp", .any) { value in
                switch value {
                case .timestamp: return value
                case .string(let text):
                    return CELTimestamp(parsing: text).map { .timestamp($0) }
                        ?? .error(CELError("timestamp conversion error: \(text)"))
                case .int(let seconds):
                    return CELTimestamp(seconds: seconds).map { .timestamp($0) } ?? .error(.rangeError)
                default: return .error(.noMatchingOverload("timestamp"))
                }
            })
        registry.add(
            .unary("duration", .any) { value in
                switch value {
                case .duration: return value
                case .string(let text):
                    return CELDuration(parsing: text).map { .duration($0) }
                        ?? .error(CELError("duration conversion error: \(text)"))
                case .int(let seconds):
                    let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                    return overflow ? .error(.rangeError) : .duration(CELDuration(nanoseconds: nanos))
                default: return .error(.noMatchingOverload("duration"))
                }
            })
        let accessors: [(String, @Sendable (CivilTime, CELTimestamp) -> Int64)] = [
            ("getFullYear", { civil, _ in civil.year }),
            ("getMonth", { civil, _ in civil.month - 1 }),
            ("getDate", { civil, _ in civil.day }),
            ("getDayOfMonth", { civil, _ in civil.day - 1 }),
            (
                "getDayOfYear",
                { civil, _ in civil.days - CivilTime.daysFromCivil(year: civil.year, month: 1, day: 1) }
            ),
            ("getDayOfWeek", { civil, _ in ((civil.days % 7) + 11) % 7 }),
            ("getHours", { civil, _ in civil.hour }),
            ("getMinutes", { civil, _ in civil.minute }),
            ("getSeconds", { civil, _ in civil.second }),
            ("getMilliseconds", { _, t in Int64(t.nanos) / 1_000_000 }),
        ]
        for (name, accessor) in accessors {
            registry.add(
                .unary(name, receiver: true, .timestamp) { value in
                    guard case .timestamp(let t) = value else { return .error(.noMatchingOverload(name)) }
                    return .int(accessor(CivilTime(seconds: t.seconds, offset: 0), t))
                })
            registry.add(
                .binary(name, receiver: true, .timestamp, .string) { value, zone in
                    guard case .timestamp(let t) = value, case .string(let zone) = zone else {
                        return .error(.noMatchingOverload(name))
                    }
                    guard let offset = CivilTime.offset(zone: zone, at: t.seconds) else {
                        return .error(CELError("unknown time zone: \(zone)"))
                    }
                    return .int(accessor(CivilTime(seconds: t.seconds, offset: offset), t))
                })
        }
        let durationAccessors: [(String, Int64)] = [
            ("getHours", 3_600_000_000_000), ("getMinutes", 60_000_000_000), ("getSeconds", 1_000_000_000),
            ("getMilliseconds", 1_000_000),
        ]
        for (name, unit) in durationAccessors {
            registry.add(
                .unary(name, receiver: true, .duration) { value in
                    guard case .duration(let d) = value else { return .error(.noMatchingOverload(name)) }
                    return .int(d.nanoseconds / unit)
                })
        }
    }
}
