import FeedParsing
import Foundation
import Testing

/// The date parser against a table of forms seen in feeds and on German ministry pages.
@Suite struct DateParserTests {
    /// (input, expected instant in RFC 3339 UTC, nil when the input must be rejected).
    static let table: [(String, String?)] = [
        // RFC 822 / 1123 and deviations.
        ("Tue, 10 Sep 2019 13:30:00 +0200", "2019-09-10T11:30:00Z"),
        ("Thu, 14 Nov 2019 10:30:00 +0100", "2019-11-14T09:30:00Z"),
        ("10 Sep 2019 13:30:00 +0200", "2019-09-10T11:30:00Z"),
        ("Tue, 10 Sep 19 13:30:00 GMT", "2019-09-10T13:30:00Z"),
        ("Tue, 10 Sep 2019 13:30 EST", "2019-09-10T18:30:00Z"),
        ("Tue, 10 Sep 2019 13:30:00 EDT", "2019-09-10T17:30:00Z"),
        ("tue, 10 sep 2019 13:30:00 cest", "2019-09-10T11:30:00Z"),
        ("Tue, 10 Sep 2019 13:30:00 MESZ", "2019-09-10T11:30:00Z"),
        ("Tue, 10 Dec 2019 13:30:00 MEZ", "2019-12-10T12:30:00Z"),
        ("Tue, 10 Sep 2019 13:30:00 Z", "2019-09-10T13:30:00Z"),
        ("Tue, 10 Sep 2019 13:30:00 UT", "2019-09-10T13:30:00Z"),
        ("Tue,10 Sep 2019 13:30:00 +02:00", "2019-09-10T11:30:00Z"),
        ("Tue, 1 Sep 2019 07:05:09 -0430", "2019-09-01T11:35:09Z"),
        ("Sat, 01 Jan 00 00:00:00 +0000", "2000-01-01T00:00:00Z"),
        ("Wed, 31 Dec 99 23:59:59 +0000", "1999-12-31T23:59:59Z"),
        ("Tue, 10 September 2019 13:30:00 +0200", "2019-09-10T11:30:00Z"),
        // RFC 3339 / ISO 8601 / W3CDTF.
        ("2019-11-14T10:30:00+01:00", "2019-11-14T09:30:00Z"),
        ("2019-11-14T10:30:00Z", "2019-11-14T10:30:00Z"),
        ("2019-11-14t10:30:00z", "2019-11-14T10:30:00Z"),
        ("2019-11-14T10:30:00.123456Z", "2019-11-14T10:30:00Z"),
        ("2019-11-14T10:30Z", "2019-11-14T10:30:00Z"),
        ("2019-11-14T10:30:00-0500", "2019-11-14T15:30:00Z"),
        ("2019-11-14 10:30:00+01:00", "2019-11-14T09:30:00Z"),
        ("20191114T103000Z", "2019-11-14T10:30:00Z"),
        ("  2019-11-14T10:30:00+01:00\n", "2019-11-14T09:30:00Z"),
        // Missing zone: the default zone (Europe/Berlin here; CET in winter, CEST in summer).
        ("2019-11-14T10:30:00", "2019-11-14T09:30:00Z"),
        ("2019-07-14T10:30:00", "2019-07-14T08:30:00Z"),
        ("2019-11-14", "2019-11-13T23:00:00Z"),
        ("2019-11", "2019-10-31T23:00:00Z"),
        ("2019", "2018-12-31T23:00:00Z"),
        // asctime.
        ("Tue Sep 10 13:30:00 2019", "2019-09-10T11:30:00Z"),
        ("Tue Sep  3 13:30:00 2019", "2019-09-03T11:30:00Z"),
        // English prose forms.
        ("September 10, 2019", "2019-09-09T22:00:00Z"),
        ("Sep 10, 2019 1:30 PM", "2019-09-10T11:30:00Z"),
        // German forms.
        ("10.09.2019", "2019-09-09T22:00:00Z"),
        ("10.09.2019 13:30", "2019-09-10T11:30:00Z"),
        ("10.09.2019, 13:30 Uhr", "2019-09-10T11:30:00Z"),
        ("Stand: 12.02.2025", "2025-02-11T23:00:00Z"),
        ("10. September 2019", "2019-09-09T22:00:00Z"),
        ("Di, 10. Sep 2019 13:30:00 +0200", "2019-09-10T11:30:00Z"),
        ("Dienstag, 10. September 2019", "2019-09-09T22:00:00Z"),
        ("3. März 2020", "2020-03-02T23:00:00Z"),
        ("3. Maerz 2020", "2020-03-02T23:00:00Z"),
        ("1. Mai 2020", "2020-04-30T22:00:00Z"),
        ("15. Okt. 2020", "2020-10-14T22:00:00Z"),
        ("24. Dez. 2020", "2020-12-23T23:00:00Z"),
        ("am 3. März 2020 um 14:15 Uhr", "2020-03-03T13:15:00Z"),
        ("10.09.19", "2019-09-09T22:00:00Z"),
        ("2019/09/10", "2019-09-09T22:00:00Z"),
        // Rejected.
        ("", nil),
        ("yesterday", nil),
        ("news-2107", nil),
        ("31.02.2019", nil),
        ("2019-13-01", nil),
        ("Tue, 10 Foo 2019 13:30:00 +0200", nil),
        ("2019-11-14T25:30:00Z", nil),
        ("10:30", nil),
    ]

    @Test(arguments: table.indices)
    func parsesTableRow(_ index: Int) throws {
        let (input, expected) = Self.table[index]
        let parsed = DateParser.parse(input, defaultTimeZone: try #require(TimeZone(identifier: "Europe/Berlin")))
        #expect(parsed.map(FeedNormJSON.timestamp) == expected, "input: \(input)")
    }

    @Test func defaultZoneIsUsedOnlyWithoutZone() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(DateParser.parse("2019-11-14T10:30:00", defaultTimeZone: newYork).map(FeedNormJSON.timestamp)
            == "2019-11-14T15:30:00Z")
        #expect(DateParser.parse("2019-11-14T10:30:00Z", defaultTimeZone: newYork).map(FeedNormJSON.timestamp)
            == "2019-11-14T10:30:00Z")
    }

    @Test func berlinDaylightSavingBoundary() {
        // 2019-03-31 02:30 does not exist in Berlin; 03:30 is CEST.
        #expect(DateParser.parse("31.03.2019 03:30").map(FeedNormJSON.timestamp) == "2019-03-31T01:30:00Z")
        #expect(DateParser.parse("31.03.2019 01:30").map(FeedNormJSON.timestamp) == "2019-03-31T00:30:00Z")
    }
}
