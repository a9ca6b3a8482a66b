import Foundation
import Testing

@testable import RegKit

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test("429 and 502/503/504 are retried; answers that mean 'no' are not")
    func retryableStatuses() {
        for status in [429, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status), "\(status)") }
        for status in [200, 201, 202, 204, 301, 307, 400, 401, 403, 404, 405, 409, 416, 500, 501, 505] {
            #expect(!RetryPolicy.isRetryable(status: status), "\(status)")
        }
    }

    @Test("Retry-After in seconds")
    func seconds() {
        #expect(RetryPolicy.parseRetryAfter("1") == 1)
        #expect(RetryPolicy.parseRetryAfter(" 120 ") == 120)
        #expect(RetryPolicy.parseRetryAfter("0") == 0)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("") == nil)
        #expect(RetryPolicy.parseRetryAfter("nan") == nil)
    }

    @Test("Retry-After as an HTTP date, relative to now")
    func httpDate() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2015-10-21T07:27:00Z"))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 60)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:26:30 GMT", now: now) == -30)
        let policy = RetryPolicy(retries: 3, baseDelay: 0.5, maxDelay: 600)
        #expect(policy.delay(attempt: 0, retryAfter: "Wed, 21 Oct 2015 07:29:00 GMT", now: now) == 120)
        // A date in the past means "now", not a negative pause.
        #expect(policy.delay(attempt: 0, retryAfter: "Wed, 21 Oct 2015 07:26:30 GMT", now: now) == 0)
    }

    @Test("Retry-After is honoured, but never beyond the cap")
    func cap() {
        let policy = RetryPolicy(retries: 3, baseDelay: 0.5, maxDelay: 30)
        #expect(policy.delay(attempt: 0, retryAfter: "1") == 1)
        #expect(policy.delay(attempt: 2, retryAfter: "7") == 7)
        #expect(policy.delay(attempt: 0, retryAfter: "3600") == 30)
        #expect(policy.delay(attempt: 0, retryAfter: "-5") == 0)
    }

    @Test("a Retry-After that is not a number or a date falls back to backoff")
    func nonsenseRetryAfter() {
        let policy = RetryPolicy(retries: 3, baseDelay: 0.5, maxDelay: 30)
        for value in ["soon", "nan", "NaN", "inf"] {
            let delay = policy.delay(attempt: 0, retryAfter: value)
            // A pause must be a finite, non-negative number of seconds: it becomes nanoseconds.
            #expect(delay.isFinite, "\(value)")
            #expect(delay >= 0 && delay <= 30, "\(value)")
        }
    }

    @Test("backoff doubles from the base delay, with jitter in the upper half")
    func backoffBounds() {
        let policy = RetryPolicy(retries: 6, baseDelay: 0.5, maxDelay: 30)
        for attempt in 0..<6 {
            let ceiling = min(30, 0.5 * pow(2, Double(attempt)))
            var seen: Set<Double> = []
            for _ in 0..<200 {
                let delay = policy.delay(attempt: attempt)
                #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt): \(delay)")
                seen.insert(delay)
            }
            #expect(seen.count > 1, "jitter: the pause varies")
        }
    }

    @Test("backoff never exceeds the cap, even after many attempts")
    func backoffCap() {
        let policy = RetryPolicy(retries: 100, baseDelay: 0.5, maxDelay: 4)
        for attempt in [3, 4, 10, 64, 2000] {
            let delay = policy.delay(attempt: attempt)
            #expect(delay >= 2 && delay <= 4, "attempt \(attempt): \(delay)")
        }
    }

    @Test("defaults: 4 retries starting at half a second, capped at 30 s")
    func defaults() {
        let policy = RetryPolicy()
        #expect(policy.retries == 4)
        #expect(policy.baseDelay == 0.5)
        #expect(policy.maxDelay == 30)
    }
}
