import Testing
@testable import LanternRemote

/// `Retry-After` values as Prometheus reads them: seconds or an HTTP date.
struct RetryAfterTests {
    @Test func secondsAndDates() {
        let now: Int64 = 784_111_777_000 // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.milliseconds("120", nowMilliseconds: now) == 120_000)
        #expect(RetryAfter.milliseconds("Sun, 06 Nov 1994 08:50:37 GMT", nowMilliseconds: now) == 60_000)
        for ignored in [nil, "", "0", "-5", "soon", "Sun, 06 Nov 1994 08:49:36 GMT", "Sun, 06 Nov 1994 08:50:37 GMT trailing"] {
            #expect(RetryAfter.milliseconds(ignored, nowMilliseconds: now) == nil, "\(ignored ?? "nil")")
        }
    }
}
