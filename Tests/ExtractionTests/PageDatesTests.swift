@testable import Extraction
import Foundation
import Testing

@Suite("Page dates")
struct PageDatesTests {
    let dates = PageDates()

    /// The instant of a Berlin wall-clock time, from a fixed UTC offset (+1 in winter, +2 in summer).
    func berlin(_ iso: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: iso)!
    }

    @Test("dates in prose: numeric, month names, with a time, ISO inside a sentence")
    func prose() {
        #expect(dates.inText("Pressemitteilung vom 10.09.2019") == berlin("2019-09-10T00:00:00+02:00"))
        #expect(dates.inText("Erfurt, 10.09.19 – Das Ministerium") == berlin("2019-09-10T00:00:00+02:00"))
        #expect(dates.inText("10.09.2019, 14:30 Uhr") == berlin("2019-09-10T14:30:00+02:00"))
        #expect(dates.inText("am 3. März 2020 in Berlin") == berlin("2020-03-03T00:00:00+01:00"))
        #expect(dates.inText("Veröffentlicht: 12. Okt. 2021 | 09:05") == berlin("2021-10-12T09:05:00+02:00"))
        #expect(dates.inText("10.\u{A0}Dezember 2024") == berlin("2024-12-10T00:00:00+01:00"))
        #expect(dates.inText("Stand 2019-09-10 und später") == berlin("2019-09-10T00:00:00+02:00"))
        #expect(dates.inText("geändert 2019-09-10T13:30:00Z, danach") == berlin("2019-09-10T15:30:00+02:00"))
        #expect(dates.inText("Frist: 2019-09-10.") == berlin("2019-09-10T00:00:00+02:00"))
    }

    @Test("no date: version numbers, impossible days, years out of range, phone numbers")
    func notDates() {
        #expect(dates.inText("Version 1.2.3 veröffentlicht") == nil)
        #expect(dates.inText("am 31.02.2020") == nil)
        #expect(dates.inText("seit dem 1. Mai 1850") == nil)
        #expect(dates.inText("Telefon 0361 37900") == nil)
        #expect(dates.inText("Abschnitt 3. Absatz 2019") == nil)
        #expect(dates.inText("") == nil)
    }

    @Test("machine dates go to the feed parser's DateParser; shorter than a day is no date")
    func machine() {
        #expect(dates.machine("2019-09-10T13:30:00+02:00") == berlin("2019-09-10T13:30:00+02:00"))
        #expect(dates.machine(" 2019-09-10 ") == berlin("2019-09-10T00:00:00+02:00"))
        #expect(dates.machine("Tue, 10 Sep 2019 13:30:00 +0200") == berlin("2019-09-10T13:30:00+02:00"))
        #expect(dates.machine("Di, 10. Sep 2019 13:30:00 MESZ") == berlin("2019-09-10T13:30:00+02:00"))
        #expect(dates.machine("06/13/2019") == berlin("2019-06-13T00:00:00+02:00"))
        #expect(dates.machine("10/05/2022 05:22 pm") == nil, "10 May or October 5: not guessed")
        #expect(dates.machine("2022/05/10 17:36:11") == berlin("2022-05-10T17:36:11+02:00"))
        #expect(dates.machine("2019-09") == nil)
        #expect(dates.machine("2019") == nil)
        #expect(dates.machine("kein Datum") == nil)
    }
}
