public import Foundation

/// When to try a request again, and how long to wait first.
///
/// Retries connection failures and 429/502/503/504, with exponential backoff and
/// full jitter; honours `Retry-After`. Never retries other 4xx: they mean "no".
public struct RetryPolicy: Sendable {
    /// How many retries after the first attempt.
    public var retries: Int
    /// The first pause; it doubles with each retry.
    public var baseDelay: Double
    /// No pause is longer than this, `Retry-After` included.
    public var maxDelay: Double

    public init(retries: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 30) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Statuses that mean "try again later".
    public static func isRetryable(status: Int) -> Bool { [429, 502, 503, 504].contains(status) }

    /// The pause before retry number `attempt` (0 for the first retry).
    /// - Parameter retryAfter: the response's `Retry-After`, when it had one.
    public func delay(attempt: Int, retryAfter: String? = nil, now: Date = Date()) -> Double {
        if let retryAfter, let wait = RetryPolicy.parseRetryAfter(retryAfter, now: now) {
            return min(max(wait, 0), maxDelay)
        }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    /// True for a failure worth another try: a transient transport error, or a registry that
    /// answered with a status meaning "try again later".
    public static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as TransportError: return error.isTransient
        case RegistryError.unexpected(_, let status, _): return isRetryable(status: status)
        default: return false
        }
    }

    /// `Retry-After` in seconds: either delta-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        // Double() also reads "nan", which would make the pause NaN and trap in Task.sleep.
        if let seconds = Double(text), !seconds.isNaN { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return date.timeIntervalSince(now)
    }
}
