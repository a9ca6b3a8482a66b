import Foundation
import Testing

@testable import RegKit

@Suite("Timestamp")
struct TimestampTests {
    @Test("RFC 3339 times: offsets, fractions, lower case, the epoch and leap years")
    func timestamps() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp(seconds: 0))
        #expect(Timestamp(rfc3339: "2024-06-01T00:00:00Z") == Timestamp(seconds: 1_717_200_000))
        #expect(Timestamp(rfc3339: "2024-06-01t02:00:00+02:00") == Timestamp(seconds: 1_717_200_000))
        #expect(Timestamp(rfc3339: "2024-05-31 19:30:00-04:30") == Timestamp(seconds: 1_717_200_000))
        #expect(
            Timestamp(rfc3339: "2024-06-01T00:00:00.123456789123Z")
                == Timestamp(seconds: 1_717_200_000, nanoseconds: 123_456_789))
        #expect(Timestamp(rfc3339: "2024-06-01T00:00:00.5z") == Timestamp(seconds: 1_717_200_000, nanoseconds: 500_000_000))
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z") == Timestamp(seconds: -1))
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "1900-02-29T00:00:00Z") == nil)
        for bad in [
            "2024-06-01", "2024-06-01T00:00:00", "2024-06-01T00:00Z", "2024-6-01T00:00:00Z", "2024-06-01T00:00:00.Z",
            "2024-06-01T00:00:00Zjunk", "2024-06-01T24:00:00Z", "2024-06-01T00:00:00+2:00",
        ] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad)")
        }
        #expect(Timestamp(rfc3339: "2024-06-01T00:00:00.1Z")! < Timestamp(rfc3339: "2024-06-01T00:00:00.2Z")!)
    }

    @Test("the civil calendar round-trips over four centuries")
    func calendar() {
        for days in stride(from: Int64(-150_000), through: 150_000, by: 97) {
            let (y, m, d) = Timestamp.civil(fromDays: days)
            #expect(Timestamp.days(year: y, month: m, day: d) == days)
        }
        #expect(Timestamp(seconds: 1_717_200_000, nanoseconds: 500_000_000).description == "2024-06-01T00:00:00.5Z")
    }

    @Test("a Date converts to the nanosecond a Double holds, before 1970 too; whole seconds print as RFC 3339 does")
    func dates() {
        #expect(
            Timestamp(Date(timeIntervalSince1970: 1_717_200_000.5)) == Timestamp(seconds: 1_717_200_000, nanoseconds: 500_000_000)
        )
        #expect(Timestamp(Date(timeIntervalSince1970: -1.25)) == Timestamp(seconds: -2, nanoseconds: 750_000_000))
        #expect(Timestamp(seconds: 1_700_000_000).description == "2023-11-14T22:13:20Z")
        #expect(Timestamp(rfc3339: "2024-05-01T14:00:00+02:00")?.description == "2024-05-01T12:00:00Z")
    }
}
