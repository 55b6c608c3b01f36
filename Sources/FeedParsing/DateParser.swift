public import Foundation

/// A lenient, table-driven parser for the dates found in feeds and on news pages.
///
/// Understands RFC 822/1123 with the common deviations (missing weekday, two-digit years,
/// obsolete zone names such as EST/CEST/MESZ/GMT/Z, no seconds, any case), RFC 3339 /
/// ISO 8601 / W3CDTF (partial dates, missing zone, compact form, fractions), asctime, and the
/// German forms of ministry sites ("10.09.2019", "10. September 2019", "Di, 10. Sep 2019
/// 13:30:00 +0200", "Stand: 12.02.2025", "am 3. März 2020 um 14:15 Uhr").
///
/// Hand-written scanning, no `DateFormatter`; safe to call from any thread.
public enum DateParser {
    /// Parses `text`; a date without a zone is taken in `defaultTimeZone`. Returns nil when
    /// no complete date (year, month and day, or an ISO partial date) is found.
    public static func parse(_ text: String, defaultTimeZone: TimeZone = berlin) -> Date? {
        // The two forms almost every feed uses, read without the general scanners.
        var copy = text
        if let fields = copy.withUTF8({ CommonForms.scan($0) }) {
            return fields.date(defaultTimeZone: defaultTimeZone)
        }
        let utf8 = Array(text.utf8.prefix(256))
        if let fields = ISO8601Scanner.scan(utf8) ?? TokenScanner.scan(utf8) {
            return fields.date(defaultTimeZone: defaultTimeZone)
        }
        return nil
    }

    /// The month a name or abbreviation stands for (English or German, any case, a trailing
    /// dot ignored): "Okt." → 10, "März" → 3.
    public static func month(named word: String) -> Int? {
        var key = word.lowercased()
        if key.hasSuffix(".") { key.removeLast() }
        return months[key]
    }

    /// The instant of a calendar date and time given without a zone, taken in `timeZone`; nil
    /// for a date that does not exist (31 February) or a time out of range.
    public static func date(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, in timeZone: TimeZone
    ) -> Date? {
        DateFields(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .date(defaultTimeZone: timeZone)
    }

    /// Europe/Berlin, the default zone for German sources (UTC if the system lacks tzdata).
    public static let berlin: TimeZone = TimeZone(identifier: "Europe/Berlin") ?? TimeZone(secondsFromGMT: 0)!

    /// UTC.
    public static let utc: TimeZone = TimeZone(secondsFromGMT: 0)!

    /// Month names and abbreviations (English and German), lower-cased, without dots.
    static let months: [String: Int] = [
        "jan": 1, "january": 1, "januar": 1, "jänner": 1, "jaenner": 1, "janv": 1,
        "feb": 2, "february": 2, "februar": 2, "febr": 2,
        "mar": 3, "march": 3, "märz": 3, "maerz": 3, "mrz": 3, "mär": 3,
        "apr": 4, "april": 4,
        "may": 5, "mai": 5,
        "jun": 6, "june": 6, "juni": 6,
        "jul": 7, "july": 7, "juli": 7,
        "aug": 8, "august": 8,
        "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "okt": 10, "oktober": 10,
        "nov": 11, "november": 11,
        "dec": 12, "december": 12, "dez": 12, "dezember": 12,
    ]

    /// Zone names and their offsets in minutes (RFC 822 obsolete zones, German and common ones).
    static let zones: [String: Int] = [
        "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "wez": 0,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
        "akst": -540, "akdt": -480, "hst": -600, "ast": -240, "adt": -180,
        "bst": 60, "ist": 60, "west": 60, "wesz": 60, "cet": 60, "met": 60, "mez": 60,
        "cest": 120, "mest": 120, "mesz": 120, "eet": 120, "oez": 120, "eest": 180, "oesz": 180, "msk": 180,
        "jst": 540, "kst": 540, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    ]

    /// Words that carry no date information (weekdays, fillers).
    static let ignoredWords: Set<String> = [
        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday", "fri",
        "friday", "sat", "saturday", "sun", "sunday", "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag",
        "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag", "stand", "am", "um", "uhr", "vom",
        "den", "on", "at", "the", "of", "st", "nd", "rd", "th", "t", "veröffentlicht", "aktualisiert", "erstellt",
        "published", "updated", "posted", "datum", "date", "h",
    ]
}

/// The fields of a parsed date before conversion.
struct DateFields {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0
    var fraction = 0.0
    /// Offset from UTC in minutes; nil: no zone in the text.
    var offsetMinutes: Int?

    func date(defaultTimeZone: TimeZone) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= DateFields.daysIn(month: month, year: year), (0...24).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        if hour == 24 && (minute != 0 || second != 0) { return nil }
        let days = DateFields.daysFromCivil(year: year, month: month, day: day)
        let local = Double(days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)) + fraction
        if let offsetMinutes {
            return Date(timeIntervalSince1970: local - Double(offsetMinutes * 60))
        }
        // Local time in the default zone: two steps settle the offset around DST changes.
        let guess = Date(timeIntervalSince1970: local)
        let first = defaultTimeZone.secondsFromGMT(for: guess)
        let second = defaultTimeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local - Double(first)))
        return Date(timeIntervalSince1970: local - Double(second))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func expandYear(_ value: Int, digits: Int) -> Int {
        if digits <= 2 { return value < 50 ? 2000 + value : 1900 + value }
        if digits == 3 { return 1900 + value }
        return value
    }
}

/// RFC 3339 / ISO 8601 / W3CDTF: `YYYY[-MM[-DD]][(T| )hh:mm[:ss[.f]]][Z|±hh[:mm]]`, and the
/// compact `YYYYMMDD[Thhmmss]`.
/// The two forms almost every feed writes, exactly as written by machines: RFC 3339
/// `2019-09-10T13:30:00+02:00` (or `Z`) and RFC 822 `Tue, 10 Sep 2019 13:30:00 +0200` (weekday
/// optional, English abbreviations as capitalized in the RFC, a numeric zone). The fields are
/// those ``ISO8601Scanner`` or ``TokenScanner`` read from the same text; anything else (other
/// spacing or case, fractions, zone names, two-digit years) is left to them (nil).
enum CommonForms {
    static let monthNames: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .map { Array($0.utf8) }
    static let weekdayNames: [[UInt8]] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }

    static func scan(_ s: UnsafeBufferPointer<UInt8>) -> DateFields? {
        let n = s.count
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= n else { return nil }
            var value = 0
            for k in at..<(at + count) {
                let d = s[k]
                guard d >= 0x30 && d <= 0x39 else { return nil }
                value = value * 10 + Int(d - 0x30)
            }
            return value
        }
        func byte(_ at: Int, _ c: UInt8) -> Bool { at < n && s[at] == c }
        if n == 20 || n == 25, byte(4, 0x2D) {
            // RFC 3339: YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM.
            guard let year = digits(0, 4), let month = digits(5, 2), byte(7, 0x2D), let day = digits(8, 2),
                byte(10, 0x54), let hour = digits(11, 2), byte(13, 0x3A), let minute = digits(14, 2),
                byte(16, 0x3A), let second = digits(17, 2)
            else { return nil }
            var fields = DateFields(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            if n == 20 {
                guard byte(19, 0x5A) else { return nil }
                fields.offsetMinutes = 0
            } else {
                guard byte(19, 0x2B) || byte(19, 0x2D), let hours = digits(20, 2), byte(22, 0x3A),
                    let minutes = digits(23, 2), hours <= 18, minutes < 60
                else { return nil }
                fields.offsetMinutes = (s[19] == 0x2D ? -1 : 1) * (hours * 60 + minutes)
            }
            return fields
        }
        // RFC 822: [Www, ]D[D] Mon YYYY HH:MM:SS ±HHMM
        func word(_ at: Int, _ names: [[UInt8]]) -> Int? {
            guard at + 3 <= n else { return nil }
            return names.firstIndex { $0[0] == s[at] && $0[1] == s[at + 1] && $0[2] == s[at + 2] }
        }
        var i = 0
        if n > 0, s[0] >= 0x41 {
            guard word(0, weekdayNames) != nil, byte(3, 0x2C), byte(4, 0x20) else { return nil }
            i = 5
        }
        let dayDigits = byte(i + 1, 0x20) ? 1 : 2
        guard let day = digits(i, dayDigits) else { return nil }
        i += dayDigits
        guard n - i == 24, byte(i, 0x20), let month = word(i + 1, monthNames), byte(i + 4, 0x20),
            let year = digits(i + 5, 4), byte(i + 9, 0x20), let hour = digits(i + 10, 2), byte(i + 12, 0x3A),
            let minute = digits(i + 13, 2), byte(i + 15, 0x3A), let second = digits(i + 16, 2), byte(i + 18, 0x20),
            byte(i + 19, 0x2B) || byte(i + 19, 0x2D), let zone = digits(i + 20, 4)
        else { return nil }
        let minutes = (zone / 100) * 60 + zone % 100
        guard minutes <= 18 * 60 else { return nil }
        var fields = DateFields(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        fields.offsetMinutes = (s[i + 19] == 0x2D ? -1 : 1) * minutes
        return fields
    }
}

enum ISO8601Scanner {
    static func scan(_ s: [UInt8]) -> DateFields? {
        var i = 0
        while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D { i += 1 }
        var end = s.count
        while end > i, s[end - 1] == 0x20 || s[end - 1] == 0x09 || s[end - 1] == 0x0A || s[end - 1] == 0x0D { end -= 1 }
        func digits(_ count: Int) -> Int? {
            guard i + count <= end else { return nil }
            var value = 0
            for k in 0..<count {
                let d = s[i + k]
                guard d >= 0x30 && d <= 0x39 else { return nil }
                value = value * 10 + Int(d - 0x30)
            }
            i += count
            return value
        }
        func peek(_ c: UInt8) -> Bool { i < end && s[i] == c }
        guard let year = digits(4) else { return nil }
        var fields = DateFields(year: year, month: 1, day: 1)
        let compact: Bool
        if peek(0x2D) {  // -
            compact = false
            i += 1
            guard let month = digits(2) else { return nil }
            fields.month = month
            if peek(0x2D) {
                i += 1
                guard let day = digits(2) else { return nil }
                fields.day = day
            }
        } else if let month = digits(2), let day = digits(2) {
            compact = true
            fields.month = month
            fields.day = day
        } else {
            guard i == end else { return nil }
            return fields
        }
        guard i < end else { return fields }
        guard s[i] == 0x54 || s[i] == 0x74 || s[i] == 0x20 else { return nil }  // T t space
        i += 1
        guard let hour = digits(2) else { return nil }
        fields.hour = hour
        if peek(0x3A) { i += 1 }
        guard let minute = digits(2) else { return nil }
        fields.minute = minute
        if peek(0x3A) || (compact && i < end && s[i] >= 0x30 && s[i] <= 0x39) {
            if peek(0x3A) { i += 1 }
            guard let second = digits(2) else { return nil }
            fields.second = second
            if peek(0x2E) || peek(0x2C) {  // fraction
                i += 1
                var scale = 0.1
                while i < end, s[i] >= 0x30 && s[i] <= 0x39 {
                    fields.fraction += Double(s[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        while peek(0x20) { i += 1 }
        guard i < end else { return fields }
        if s[i] == 0x5A || s[i] == 0x7A {  // Z
            i += 1
            fields.offsetMinutes = 0
        } else if s[i] == 0x2B || s[i] == 0x2D {
            let sign = s[i] == 0x2D ? -1 : 1
            i += 1
            guard let hours = digits(2) else { return nil }
            var minutes = 0
            if peek(0x3A) { i += 1 }
            if i < end { guard let m = digits(2) else { return nil }
                minutes = m
            }
            guard hours <= 18, minutes < 60 else { return nil }
            fields.offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            let rest = String(decoding: s[i..<end], as: UTF8.self).lowercased()
            guard let zone = DateParser.zones[rest] else { return nil }
            fields.offsetMinutes = zone
            i = end
        }
        return i == end ? fields : nil
    }
}

/// Every other form: the text is split into numbers, words, times and zone offsets, and the
/// date is assembled from them by the tables of ``DateParser``.
enum TokenScanner {
    enum Token {
        case number(value: Int, digits: Int, separatorAfter: UInt8)
        case word(String)
        case time(hour: Int, minute: Int, second: Int)
        case offset(Int)
    }

    static func tokens(_ s: [UInt8]) -> [Token]? {
        var result: [Token] = []
        var i = 0
        let n = s.count
        func isDigit(_ k: Int) -> Bool { k < n && s[k] >= 0x30 && s[k] <= 0x39 }
        func number(_ k: inout Int) -> (Int, Int) {
            var value = 0
            var count = 0
            while isDigit(k), count < 9 {
                value = value * 10 + Int(s[k] - 0x30)
                count += 1
                k += 1
            }
            return (value, count)
        }
        var sawTime = false
        while i < n {
            let c = s[i]
            if isDigit(i) {
                var k = i
                let (value, count) = number(&k)
                if k < n, s[k] == 0x3A, isDigit(k + 1), count <= 2 {  // hh:mm[:ss[.fff]]
                    k += 1
                    let (minute, _) = number(&k)
                    var second = 0
                    if k < n, s[k] == 0x3A, isDigit(k + 1) {
                        k += 1
                        second = number(&k).0
                        if k < n, s[k] == 0x2E || s[k] == 0x2C, isDigit(k + 1) {
                            k += 1
                            _ = number(&k)
                            while isDigit(k) { k += 1 }
                        }
                    }
                    result.append(.time(hour: value, minute: minute, second: second))
                    sawTime = true
                } else {
                    while isDigit(k) { k += 1 }
                    // The separator that follows (ignoring one space after a dot: "10. Sep").
                    let separator: UInt8 = k < n ? s[k] : 0
                    result.append(.number(value: value, digits: count, separatorAfter: separator))
                }
                i = k
            } else if (c == 0x2B || c == 0x2D), isDigit(i + 1), sawTime || hasDate(result) {
                // Zone offset: +hhmm, +hh:mm, +hh, +h.
                let sign = c == 0x2D ? -1 : 1
                var k = i + 1
                let (first, count) = number(&k)
                var minutes: Int
                if count == 4 {
                    minutes = (first / 100) * 60 + first % 100
                } else if count <= 2 {
                    minutes = first * 60
                    if k < n, s[k] == 0x3A, isDigit(k + 1) {
                        k += 1
                        minutes += number(&k).0
                    }
                } else {
                    return nil
                }
                guard minutes <= 18 * 60 else { return nil }
                result.append(.offset(sign * minutes))
                i = k
            } else if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80 {
                var k = i
                while k < n, (s[k] >= 0x41 && s[k] <= 0x5A) || (s[k] >= 0x61 && s[k] <= 0x7A) || s[k] >= 0x80 {
                    k += 1
                }
                result.append(.word(String(decoding: s[i..<k], as: UTF8.self).lowercased()))
                i = k
            } else {
                i += 1
            }
        }
        return result
    }

    private static func hasDate(_ tokens: [Token]) -> Bool {
        var numbers = 0
        for token in tokens {
            if case .number = token { numbers += 1 }
            if case .word(let w) = token, DateParser.months[w] != nil { numbers += 1 }
        }
        return numbers >= 3
    }

    static func scan(_ s: [UInt8]) -> DateFields? {
        guard let tokens = tokens(s) else { return nil }
        var numbers: [(value: Int, digits: Int, separator: UInt8, beforeMonth: Bool)] = []
        var month: Int?
        var time: (Int, Int, Int)?
        var offset: Int?
        var meridiem: Int?  // 0 am, 12 pm
        var previousWasTime = false
        for token in tokens {
            switch token {
            case .number(let value, let digits, let separator):
                numbers.append((value, digits, separator, month == nil))
                previousWasTime = false
            case .time(let h, let m, let sec):
                guard time == nil else { return nil }
                time = (h, m, sec)
                previousWasTime = true
            case .offset(let minutes):
                offset = (offset ?? 0) + minutes
                previousWasTime = false
            case .word(let word):
                if previousWasTime, word == "am" || word == "pm" || word == "a" || word == "p" {
                    meridiem = word.hasPrefix("p") ? 12 : 0
                } else if month == nil, let m = DateParser.months[word] {
                    month = m
                } else if let zone = DateParser.zones[word] {
                    offset = zone + (offset ?? 0)
                } else if word == "m", meridiem != nil {
                    // "p.m."
                } else if !DateParser.ignoredWords.contains(word) {
                    return nil
                }
                previousWasTime = false
            }
        }
        var fields: DateFields
        if let month {
            // "10 Sep 2019", "Sep 10 2019", "September 10, 2019", asctime "Sep 10 … 2019".
            guard numbers.count == 2 else { return nil }
            let (a, b) = (numbers[0], numbers[1])
            let dayNumber: (value: Int, digits: Int, separator: UInt8, beforeMonth: Bool)
            let yearNumber: (value: Int, digits: Int, separator: UInt8, beforeMonth: Bool)
            if a.digits >= 3 {
                (yearNumber, dayNumber) = (a, b)  // "2019 Sep 10"
            } else if b.digits >= 3 || a.beforeMonth {
                (dayNumber, yearNumber) = (a, b)
            } else {
                (dayNumber, yearNumber) = (a, b)
            }
            guard dayNumber.digits <= 2 else { return nil }
            fields = DateFields(
                year: DateFields.expandYear(yearNumber.value, digits: yearNumber.digits), month: month,
                day: dayNumber.value)
        } else {
            // Numeric: D.M.Y (German), Y/M/D, M/D/Y, D-M-Y.
            guard numbers.count == 3 else { return nil }
            let (a, b, c) = (numbers[0], numbers[1], numbers[2])
            guard a.separator == b.separator, [0x2E, 0x2F, 0x2D].contains(a.separator) else { return nil }
            if a.digits == 4 {
                guard b.digits <= 2, c.digits <= 2 else { return nil }
                fields = DateFields(year: a.value, month: b.value, day: c.value)
            } else {
                guard a.digits <= 2, b.digits <= 2, c.digits == 2 || c.digits == 4 else { return nil }
                let year = DateFields.expandYear(c.value, digits: c.digits)
                if a.separator == 0x2F, a.value <= 12 {
                    fields = DateFields(year: year, month: a.value, day: b.value)  // US order M/D/Y
                } else {
                    fields = DateFields(year: year, month: b.value, day: a.value)
                }
            }
        }
        if let (h, m, sec) = time {
            var hour = h
            if let meridiem {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + meridiem
            }
            fields.hour = hour
            fields.minute = m
            fields.second = sec
        }
        fields.offsetMinutes = offset
        return fields
    }
}
