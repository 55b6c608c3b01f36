import Foundation

/// What a finished HTTP exchange means for Herold: pure rules over status and headers, kept
/// apart from libcurl so they are tested on their own.
enum ResponseRules {
    /// The response if the status is a success (2xx) or 304; otherwise the error it stands for:
    /// 429, and 503 with `Retry-After`, are `.rateLimited` carrying the delay; every other
    /// status is `.httpStatus`.
    static func classify(_ response: FetchResponse, now: Date) -> Result<FetchResponse, FetchError> {
        let status = response.status
        if (200..<300).contains(status) || status == 304 {
            return .success(response)
        }
        let delay = response.headers["retry-after"].flatMap { retryDelay($0, now: now) }
        if status == 429 || (status == 503 && delay != nil) {
            let wait = delay.map { " (retry after \(Int($0.rounded(.up))) s)" } ?? ""
            return .failure(
                FetchError(
                    kind: .rateLimited, url: response.url, message: "HTTP \(status)\(wait)", status: status,
                    retryAfter: delay))
        }
        return .failure(FetchError(kind: .httpStatus, url: response.url, message: "HTTP \(status)", status: status))
    }

    /// The delay a `Retry-After` value asks for, in seconds: delta-seconds, or an HTTP-date
    /// (IMF-fixdate, RFC 850 or asctime) taken relative to `now` (a past date gives 0).
    /// Nil when the value is neither.
    static func retryDelay(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) {
            return TimeInterval(trimmed) ?? .greatestFiniteMagnitude
        }
        guard let date = httpDate(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses the three HTTP-date forms of RFC 9110 §5.6.7.
    static func httpDate(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
