import FeedParsing
import Foundation

/// The dates of a page: machine-readable values (JSON-LD, meta tags, `<time datetime>`) go to
/// the feed parser's `DateParser` (RFC 3339 / ISO 8601, RFC 822 with its deviations, German
/// forms); dates written in prose ("Pressemitteilung vom 10.09.2019, 14:30 Uhr", "10. September
/// 2019", "2019-09-10") are found here and built with its month table and calendar. Dates
/// without a zone are taken in `zone` (Europe/Berlin).
struct PageDates {
    /// The zone of dates written without one.
    let zone: TimeZone

    init(zone: TimeZone = DateParser.berlin) {
        self.zone = zone
    }

    /// A machine-readable date with at least a day ("2019-09-10", "2019-09-10T13:30:00+02:00",
    /// "Tue, 10 Sep 2019 13:30:00 +0200"); nil for anything shorter or unreadable.
    func machine(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 8, !Self.ambiguousSlashDate(text) else { return nil }
        return DateParser.parse(text, defaultTimeZone: zone)
    }

    /// "10/05/2022" is 10 May on most of the web and October 5 in the US; a page gives no
    /// reliable hint which, so such a date is unknown rather than a guess (13/05 or 05/13 are
    /// read).
    static func ambiguousSlashDate(_ text: String) -> Bool {
        let parts = text.prefix { $0 != " " && $0 != "T" }.split(separator: "/")
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, let a = Int(parts[0]), let b = Int(parts[1])
        else { return false }
        return a != b && (1...12).contains(a) && (1...12).contains(b)
    }

    /// The first human-written date in a text ("10.09.2019", "10.09.19", "10. September 2019",
    /// "2019-09-10"), at local midnight, or with its time when one follows ("10.09.2019, 14:30
    /// Uhr"). Years outside 1990–2100 are not dates of a news page.
    func inText(_ text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if let date = date(at: index, in: scalars) { return date }
            index += 1
        }
        return nil
    }

    private func date(at start: Int, in s: [Unicode.Scalar]) -> Date? {
        func isDigit(_ i: Int) -> Bool { i < s.count && ("0"..."9").contains(s[i]) }
        func isBlank(_ i: Int) -> Bool { i < s.count && (s[i] == " " || s[i].value == 0xA0) }
        func number(_ i: inout Int, atMost: Int) -> (value: Int, digits: Int) {
            var value = 0
            var digits = 0
            while isDigit(i), digits < atMost {
                value = value * 10 + Int(s[i].value - 0x30)
                i += 1
                digits += 1
            }
            return (value, digits)
        }
        guard isDigit(start), start == 0 || !isDigit(start - 1) else { return nil }
        if start > 0, s[start - 1] == "." || s[start - 1] == "/" { return nil }
        var i = start
        let (first, digits) = number(&i, atMost: 4)
        if isDigit(i) { return nil }
        // yyyy-mm-dd[Thh:mm…]: a machine date inside the text.
        if digits == 4, i < s.count, s[i] == "-" {
            // The ISO-shaped run of characters (a space only between date and time), else the
            // bare date.
            var end = i
            while end < s.count, end - start < 35,
                "0123456789-:.,+TZ".unicodeScalars.contains(s[end]) || (s[end] == " " && end - start == 10 && isDigit(end + 1))
            {
                end += 1
            }
            let run = String(String.UnicodeScalarView(s[start..<end]))
            return machine(run) ?? (run.unicodeScalars.count > 10 ? machine(String(run.unicodeScalars.prefix(10))) : nil)
        }
        guard digits <= 2, (1...31).contains(first), i < s.count, s[i] == "." else { return nil }
        i += 1
        while isBlank(i) { i += 1 }
        let month: Int
        if isDigit(i) {
            // dd.mm.yyyy / dd.mm.yy
            let (value, monthDigits) = number(&i, atMost: 2)
            guard monthDigits > 0, (1...12).contains(value), i < s.count, s[i] == "." else { return nil }
            month = value
            i += 1
            while i < s.count, s[i] == " " { i += 1 }
            let (year, yearDigits) = number(&i, atMost: 4)
            if isDigit(i) { return nil }
            guard yearDigits == 2 || yearDigits == 4 else { return nil }
            return withTime(s, i, year: yearDigits == 2 ? 2000 + year : year, month: month, day: first)
        }
        // dd. Monat yyyy
        var word = ""
        while i < s.count, s[i].properties.isAlphabetic {
            word.unicodeScalars.append(s[i])
            i += 1
        }
        guard let named = DateParser.month(named: word) else { return nil }
        if i < s.count, s[i] == "." { i += 1 }
        while isBlank(i) { i += 1 }
        let (year, yearDigits) = number(&i, atMost: 4)
        guard yearDigits == 4 else { return nil }
        return withTime(s, i, year: year, month: named, day: first)
    }

    /// The date, with the time that follows it ("…, 14:30 Uhr", "… | 14:30") when there is one.
    private func withTime(_ s: [Unicode.Scalar], _ index: Int, year: Int, month: Int, day: Int) -> Date? {
        guard (1990...2100).contains(year) else { return nil }
        var j = index
        while j < s.count, s[j] == " " || s[j] == "," || s[j] == "|" || s[j] == "-" || s[j] == "–" { j += 1 }
        func twoDigits(_ k: Int) -> Int? {
            guard k + 1 < s.count, ("0"..."9").contains(s[k]), ("0"..."9").contains(s[k + 1]) else { return nil }
            return Int(s[k].value - 0x30) * 10 + Int(s[k + 1].value - 0x30)
        }
        if j + 4 < s.count, let hour = twoDigits(j), s[j + 2] == ":", let minute = twoDigits(j + 3), hour < 24, minute < 60,
            let date = DateParser.date(year: year, month: month, day: day, hour: hour, minute: minute, in: zone)
        {
            return date
        }
        return DateParser.date(year: year, month: month, day: day, in: zone)
    }
}
