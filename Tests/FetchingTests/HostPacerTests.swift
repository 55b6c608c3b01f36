import Foundation
import Testing

@testable import Fetching

/// The politeness rules driven with made-up instants: no sleeping.
@Suite("Host pacer")
struct HostPacerTests {
    let t0 = ContinuousClock.now

    @Test func concurrencyCapHoldsBackUntilATransferEnds() {
        var pacer = HostPacer<Int>()
        for item in 1...5 { pacer.enqueue(item, host: "a:80", limit: 2, spacing: .zero) }
        #expect(pacer.takeReady(now: t0).map(\.item) == [1, 2])
        #expect(pacer.takeReady(now: t0 + .seconds(60)).isEmpty)
        #expect(pacer.active("a:80") == 2)
        #expect(pacer.nextWake() == nil)  // waiting for a transfer, not for time
        pacer.finish(host: "a:80", now: t0 + .seconds(1))
        #expect(pacer.takeReady(now: t0 + .seconds(1)).map(\.item) == [3])
        #expect(pacer.waitingCount == 2)
    }

    @Test func spacingSeparatesStartsToOneHost() {
        var pacer = HostPacer<Int>()
        for item in 1...3 { pacer.enqueue(item, host: "a:80", limit: 10, spacing: .seconds(2)) }
        #expect(pacer.takeReady(now: t0).map(\.item) == [1])
        #expect(pacer.nextWake() == t0 + .seconds(2))
        #expect(pacer.takeReady(now: t0 + .milliseconds(1999)).isEmpty)
        #expect(pacer.takeReady(now: t0 + .seconds(2)).map(\.item) == [2])
        #expect(pacer.nextWake() == t0 + .seconds(4))
        #expect(pacer.takeReady(now: t0 + .seconds(5)).map(\.item) == [3])
        #expect(pacer.nextWake() == nil)
    }

    @Test func hostsAreIndependent() {
        var pacer = HostPacer<String>()
        pacer.enqueue("a1", host: "a:80", limit: 1, spacing: .seconds(10))
        pacer.enqueue("a2", host: "a:80", limit: 1, spacing: .seconds(10))
        pacer.enqueue("b1", host: "b:443", limit: 1, spacing: .seconds(10))
        let first = pacer.takeReady(now: t0).map(\.item).sorted()
        #expect(first == ["a1", "b1"])
        pacer.finish(host: "a:80", now: t0 + .seconds(1))
        #expect(pacer.takeReady(now: t0 + .seconds(1)).isEmpty)  // spacing still holds
        #expect(pacer.takeReady(now: t0 + .seconds(10)).map(\.item) == ["a2"])
    }

    @Test func aCancelledRequestLeavesTheQueue() {
        var pacer = HostPacer<Int>()
        for item in 1...3 { pacer.enqueue(item, host: "a:80", limit: 1, spacing: .zero) }
        _ = pacer.takeReady(now: t0)
        #expect(pacer.removeWaiting(where: { $0 == 2 }) == 2)
        #expect(pacer.removeWaiting(where: { $0 == 2 }) == nil)
        pacer.finish(host: "a:80", now: t0)
        #expect(pacer.takeReady(now: t0).map(\.item) == [3])
        #expect(pacer.removeAllWaiting().isEmpty)
    }

    @Test func politenessKeyIsHostAndPort() {
        #expect(URL(string: "https://Example.ORG/feed")!.politenessKey == "example.org:443")
        #expect(URL(string: "http://example.org/feed")!.politenessKey == "example.org:80")
        #expect(URL(string: "http://127.0.0.1:8080/x")!.politenessKey == "127.0.0.1:8080")
    }
}
