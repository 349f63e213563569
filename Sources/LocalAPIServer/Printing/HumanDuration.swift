import Foundation

/// Ages as `kubectl get` prints them (apimachinery `duration.HumanDuration`): `45s`, `3m20s`, `5h10m`, `12d`.
enum HumanDuration {
    static func format(seconds total: Int) -> String {
        if total < -1 { return "<invalid>" }
        if total < 0 { return "0s" }
        if total < 120 { return "\(total)s" }
        let minutes = total / 60
        if minutes < 10 {
            let seconds = total % 60
            return seconds == 0 ? "\(minutes)m" : "\(minutes)m\(seconds)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = total / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// The age of an RFC 3339 timestamp relative to `now`, or `<unknown>` when it is missing or unparsable.
    static func age(of timestamp: String?, now: Date = Date()) -> String {
        guard let timestamp, let date = try? Date(timestamp, strategy: .iso8601) else { return "<unknown>" }
        return format(seconds: Int(now.timeIntervalSince(date).rounded(.down)))
    }
}
