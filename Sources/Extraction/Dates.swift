import Foundation

/// Date parsing for page metadata: ISO 8601 in its common web shapes, RFC 822, and German
/// date text ("10.09.2019", "10. September 2019"). Dates without a zone are Europe/Berlin.
struct DateParser {
    /// The zone of dates written without one.
    let zone: TimeZone

    init(zone: TimeZone = TimeZone(identifier: "Europe/Berlin") ?? .gmt) {
        self.zone = zone
    }

    private static let germanMonths: [String: Int] = [
        "april": 4, "aug": 8, "august": 8, "dez": 12, "dezember": 12, "feb": 2, "februar": 2, "jan": 1, "januar": 1,
        "juli": 7, "juni": 6, "jänner": 1, "mai": 5, "mar": 3, "mrz": 3, "märz": 3, "nov": 11, "november": 11,
        "okt": 10, "oktober": 10, "sep": 9, "sept": 9, "september": 9,
    ]

    private static let englishMonths: [String: Int] = [
        "apr": 4, "april": 4, "aug": 8, "august": 8, "dec": 12, "december": 12, "feb": 2, "february": 2, "jan": 1,
        "january": 1, "jul": 7, "july": 7, "jun": 6, "june": 6, "mar": 3, "march": 3, "may": 5, "nov": 11,
        "november": 11, "oct": 10, "october": 10, "sep": 9, "sept": 9, "september": 9,
    ]

    /// Whether a lower-case word names a month (German or English, full or abbreviated).
    static func isMonthName(_ word: String) -> Bool { germanMonths[word] != nil || englishMonths[word] != nil }

    /// Parses a machine-readable date (ISO 8601 / RFC 3339 with or without time and zone, or
    /// RFC 822). Returns nil for anything else.
    func parseMachine(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 8 else { return nil }
        let scalars = Array(text.unicodeScalars)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for index in from..<(from + count) {
                guard let digit = scalars[index].properties.numericType != nil ? Int(String(scalars[index])) : nil else {
                    return nil
                }
                value = value * 10 + digit
            }
            return value
        }
        if let year = number(0, 4), scalars.count >= 10, scalars[4] == "-", let month = number(5, 2), scalars[7] == "-",
            let day = number(8, 2)
        {
            var hour = 0, minute = 0, second = 0
            var offset: Int?
            var index = 10
            if index < scalars.count, scalars[index] == "T" || scalars[index] == " " {
                index += 1
                if let h = number(index, 2), index + 2 < scalars.count, scalars[index + 2] == ":", let m = number(index + 3, 2) {
                    hour = h
                    minute = m
                    index += 5
                    if index < scalars.count, scalars[index] == ":", let s = number(index + 1, 2) {
                        second = s
                        index += 3
                        if index < scalars.count, scalars[index] == "." || scalars[index] == "," {
                            index += 1
                            while index < scalars.count, scalars[index].properties.numericType != nil { index += 1 }
                        }
                    }
                    if index < scalars.count {
                        let sign = scalars[index]
                        if sign == "Z" || sign == "z" {
                            offset = 0
                        } else if sign == "+" || sign == "-", let oh = number(index + 1, 2) {
                            var om = 0
                            if let m2 = number(index + 3, 2) {
                                om = m2
                            } else if index + 3 < scalars.count, scalars[index + 3] == ":", let m3 = number(index + 4, 2) {
                                om = m3
                            }
                            offset = (oh * 3600 + om * 60) * (sign == "-" ? -1 : 1)
                        }
                    }
                }
            }
            return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
        }
        return parseRFC822(text)
    }

    private func parseRFC822(_ text: String) -> Date? {
        // "Tue, 10 Sep 2019 13:30:00 +0200"
        var parts = text.split(separator: " ").map(String.init)
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count >= 3, let day = Int(parts[0]), let month = Self.englishMonths[parts[1].lowercased()],
            let year = Int(parts[2])
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count >= 4 {
            let time = parts[3].split(separator: ":").compactMap { Int($0) }
            if time.count >= 2 {
                hour = time[0]
                minute = time[1]
                second = time.count > 2 ? time[2] : 0
            }
        }
        var offset: Int?
        if parts.count >= 5 {
            let zone = parts[4]
            if zone == "GMT" || zone == "UT" || zone == "UTC" || zone == "Z" {
                offset = 0
            } else if zone.count == 5, let value = Int(zone.dropFirst()) {
                offset = ((value / 100) * 3600 + (value % 100) * 60) * (zone.hasPrefix("-") ? -1 : 1)
            }
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// Finds the first human-written date in a text ("10.09.2019", "10. September 2019",
    /// "September 10, 2019", "2019-09-10") and returns it at local midnight, or with its time
    /// when one follows ("10.09.2019, 14:30 Uhr").
    func parseText(_ text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if let (date, _) = dateAt(scalars, index) { return date }
            index += 1
        }
        return nil
    }

    private func dateAt(_ s: [Unicode.Scalar], _ start: Int) -> (Date, Int)? {
        func isDigit(_ i: Int) -> Bool { i < s.count && ("0"..."9").contains(s[i]) }
        guard isDigit(start), start == 0 || !isDigit(start - 1) else { return nil }
        if start > 0, s[start - 1] == "." || s[start - 1] == "/" { return nil }
        var i = start
        var first = 0
        var digits = 0
        while isDigit(i), digits < 4 {
            first = first * 10 + Int(String(s[i]))!
            i += 1
            digits += 1
        }
        if isDigit(i) { return nil }
        // yyyy-mm-dd
        if digits == 4, i < s.count, s[i] == "-" {
            let text = String(String.UnicodeScalarView(s[start..<min(s.count, start + 25)]))
            if let date = parseMachine(text) { return (date, i) }
            return nil
        }
        guard digits <= 2, first >= 1, first <= 31, i < s.count, s[i] == "." else { return nil }
        i += 1
        var j = i
        while j < s.count, s[j] == " " || s[j].value == 0xA0 { j += 1 }
        // dd.mm.yyyy
        if isDigit(j) {
            var month = 0
            var md = 0
            while isDigit(j), md < 2 {
                month = month * 10 + Int(String(s[j]))!
                j += 1
                md += 1
            }
            guard month >= 1, month <= 12, j < s.count, s[j] == "." else { return nil }
            j += 1
            while j < s.count, s[j] == " " { j += 1 }
            var year = 0
            var yd = 0
            while isDigit(j), yd < 4 {
                year = year * 10 + Int(String(s[j]))!
                j += 1
                yd += 1
            }
            if isDigit(j) { return nil }
            if yd == 2 { year += 2000 } else if yd != 4 { return nil }
            return withTime(s, j, year: year, month: month, day: first)
        }
        // dd. Monat yyyy
        var word = ""
        while j < s.count, s[j].properties.isAlphabetic {
            word.unicodeScalars.append(s[j])
            j += 1
        }
        guard let month = Self.germanMonths[word.lowercased()] ?? Self.englishMonths[word.lowercased()] else { return nil }
        if j < s.count, s[j] == "." { j += 1 }
        while j < s.count, s[j] == " " || s[j].value == 0xA0 { j += 1 }
        var year = 0
        var yd = 0
        while isDigit(j), yd < 4 {
            year = year * 10 + Int(String(s[j]))!
            j += 1
            yd += 1
        }
        guard yd == 4 else { return nil }
        return withTime(s, j, year: year, month: month, day: first)
    }

    private func withTime(_ s: [Unicode.Scalar], _ index: Int, year: Int, month: Int, day: Int) -> (Date, Int)? {
        guard year >= 1990, year <= 2100 else { return nil }
        var j = index
        while j < s.count, s[j] == " " || s[j] == "," || s[j] == "|" || s[j] == "-" || s[j] == "–" { j += 1 }
        if j + 4 < s.count, let h = Int(String(String.UnicodeScalarView(s[j..<(j + 2)]))), s[j + 2] == ":",
            let m = Int(String(String.UnicodeScalarView(s[(j + 3)..<(j + 5)]))), h < 24, m < 60
        {
            if let date = make(year: year, month: month, day: day, hour: h, minute: m, second: 0, offset: nil) {
                return (date, j + 5)
            }
        }
        guard let date = make(year: year, month: month, day: day, hour: 0, minute: 0, second: 0, offset: nil) else {
            return nil
        }
        return (date, index)
    }

    private func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int?) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), year > 1900, hour < 25, minute < 60, second < 61 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        // Reject rolled-over dates (31.02.).
        let check = calendar.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return date
    }
}
