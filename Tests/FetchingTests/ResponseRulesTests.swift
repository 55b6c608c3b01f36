import FeedModel
import Foundation
import Testing

@testable import Fetching

@Suite("Response rules: status classification and Retry-After")
struct ResponseRulesTests {
    let url = URL(string: "http://example.test/feed")!
    /// 2026-11-29T10:00:00Z
    let now = Date(timeIntervalSince1970: 1_795_946_400)

    @Test func retryAfterSeconds() {
        #expect(ResponseRules.retryDelay("120", now: now) == 120)
        #expect(ResponseRules.retryDelay(" 0 ", now: now) == 0)
    }

    @Test(arguments: [
        "Sun, 29 Nov 2026 10:01:30 GMT",  // IMF-fixdate
        "Sunday, 29-Nov-26 10:01:30 GMT",  // RFC 850
        "Sun Nov 29 10:01:30 2026",  // asctime
    ])
    func retryAfterHTTPDate(_ value: String) {
        #expect(ResponseRules.retryDelay(value, now: now) == 90)
    }

    @Test func retryAfterInThePastIsZeroAndGarbageIsNil() {
        #expect(ResponseRules.retryDelay("Sun, 29 Nov 2026 09:00:00 GMT", now: now) == 0)
        #expect(ResponseRules.retryDelay("soon", now: now) == nil)
        #expect(ResponseRules.retryDelay("-5", now: now) == nil)
        #expect(ResponseRules.retryDelay("", now: now) == nil)
    }

    @Test func successAndNotModifiedAreResponses() throws {
        for status in [200, 203, 204, 304] {
            let response = try ResponseRules.classify(FetchResponse(url: url, status: status), now: now).get()
            #expect(response.status == status)
        }
    }

    @Test func statusesBecomeStableErrorKinds() {
        func error(_ status: Int, _ headers: [String: String] = [:]) -> FetchError? {
            if case .failure(let error) = ResponseRules.classify(
                FetchResponse(url: url, status: status, headers: headers), now: now)
            {
                return error
            }
            return nil
        }
        #expect(error(404)?.kind == .httpStatus)
        #expect(error(404)?.status == 404)
        #expect(error(500)?.kind == .httpStatus)
        #expect(error(503)?.kind == .httpStatus)  // no Retry-After: an outage, not rate limiting
        #expect(error(429)?.kind == .rateLimited)
        #expect(error(429)?.retryAfter == nil)
        #expect(error(429, ["retry-after": "30"])?.retryAfter == 30)
        #expect(error(503, ["retry-after": "Sun, 29 Nov 2026 10:05:00 GMT"])?.kind == .rateLimited)
        #expect(error(503, ["retry-after": "Sun, 29 Nov 2026 10:05:00 GMT"])?.retryAfter == 300)
        #expect(error(503, ["retry-after": "whenever"])?.kind == .httpStatus)
    }
}
