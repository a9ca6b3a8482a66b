public import Foundation

/// A point in time to the nanosecond, read from RFC 3339 text such as a record's `created`
/// (`2024-05-01T12:00:00.123456789Z`, `2024-05-01T14:00:00+02:00`).
///
/// A hand-written reader rather than `ISO8601DateFormatter`: reg-select reads `created`
/// on every record, and a formatter costs microseconds per call.
/// The one reader of RFC 3339 in reg: reg-select's `created`, `--newer-than` and
/// `--older-than`, the newest platform of an index in reg-manifest, reg-seed's `--newest`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public let nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Reads an RFC 3339 date-time: `T`, `t` or a space between date and time, any number of
    /// fraction digits (nanoseconds kept), `Z`, `z` or `±HH:MM`.
    /// - Returns: nil when `text` is not one.
    public init?(rfc3339 text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ Timestamp.parse($0) }) else { return nil }
        self = parsed
    }

    /// Reads a date, `2024-05-01`, as midnight UTC.
    /// - Returns: nil when `text` is not one.
    public init?(date text: String) {
        var copy = text
        let parsed: Timestamp? = copy.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            guard let days = reader.date(), reader.atEnd else { return nil }
            return Timestamp(seconds: days * 86_400)
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The time of `date`, to the nanosecond as far as a `Date` holds it.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        self.init(seconds: Int64(seconds), nanoseconds: Int32((interval - seconds) * 1e9))
    }

    /// The current time.
    public static var now: Timestamp { Timestamp(Date()) }

    /// `seconds` earlier.
    public func subtracting(seconds delta: Int64) -> Timestamp {
        Timestamp(seconds: seconds - delta, nanoseconds: nanoseconds)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// `2024-05-01T12:00:00Z`, with a fraction when there is one.
    public var description: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var s = "\(y)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if nanoseconds != 0 {
            let digits = String(nanoseconds)
            var fraction = String(repeating: "0", count: 9 - digits.count) + digits
            while fraction.hasSuffix("0") { fraction.removeLast() }
            s += "." + fraction
        }
        return s + "Z"
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var reader = Reader(bytes: bytes)
        guard let days = reader.date() else { return nil }
        guard let separator = reader.next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                || separator == UInt8(ascii: " ")
        else { return nil }
        guard let hour = reader.digits(2), hour < 24, reader.expect(":"),
            let minute = reader.digits(2), minute < 60, reader.expect(":"),
            let second = reader.digits(2), second <= 60  // 60: a leap second
        else { return nil }
        var nanoseconds: Int64 = 0
        if reader.peek == UInt8(ascii: ".") {
            _ = reader.next()
            var count = 0
            while let c = reader.peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                _ = reader.next()
                if count < 9 { nanoseconds = nanoseconds * 10 + Int64(c - UInt8(ascii: "0")) }
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 9) { nanoseconds *= 10 }
        }
        var offset: Int64 = 0
        switch reader.next() {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            break
        case let sign? where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard let h = reader.digits(2), h < 24, reader.expect(":"), let m = reader.digits(2), m < 60 else {
                return nil
            }
            offset = (h * 60 + m) * 60 * (sign == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        guard reader.atEnd else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Timestamp(seconds: seconds, nanoseconds: Int32(nanoseconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day since 1970-01-01 (`civil_from_days`).
    static func civil(fromDays z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func isLeapYear(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    /// A cursor over ASCII bytes.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func expect(_ c: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: c) else { return false }
            index += 1
            return true
        }

        /// Exactly `count` decimal digits.
        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let c = next(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(c - UInt8(ascii: "0"))
            }
            return value
        }

        /// `YYYY-MM-DD` as days since 1970-01-01, checking the day against the month.
        mutating func date() -> Int64? {
            guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
                (1...12).contains(month), day >= 1
            else { return nil }
            let lengths: [Int64] = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard day <= lengths[Int(month - 1)] else { return nil }
            return Timestamp.days(year: year, month: month, day: day)
        }
    }
}
