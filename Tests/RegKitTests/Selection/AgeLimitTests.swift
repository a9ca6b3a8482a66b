import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("AgeLimit")
    struct AgeLimitTests {
        func seconds(_ text: String) throws -> Int64? {
            if case .duration(let s) = try AgeLimit(text).kind { return s }
            return nil
        }

        @Test("durations: s, m = minutes, h, d, w, mo = 30 days, y = 365 days, chained")
        func durations() throws {
            #expect(try seconds("45s") == 45)
            #expect(try seconds("30m") == 1800)
            #expect(try seconds("12h") == 43_200)
            #expect(try seconds("90d") == 90 * 86_400)
            #expect(try seconds("2w") == 14 * 86_400)
            #expect(try seconds("6mo") == 180 * 86_400)
            #expect(try seconds("1y") == 365 * 86_400)
            #expect(try seconds("1d12h") == 36 * 3600)
            #expect(try seconds("0d") == 0)
        }

        @Test("M is refused as ambiguous, with both spellings to choose from")
        func capitalM() {
            do {
                _ = try AgeLimit("3M")
                Issue.record("expected an error")
            } catch {
                #expect(error.description.contains("write 3m for minutes or 3mo for months"))
            }
        }

        @Test("a negative age is refused with a sentence saying why and what to write; an option is not an age")
        func negative() {
            let negative = #expect(throws: SelectionError.self) { try AgeLimit("-1d") }
            #expect(
                negative?.description.hasPrefix(
                    "age '-1d': an age counts back from now and cannot be negative: 1d already means created more than 1d ago")
                    == true)
            let option = #expect(throws: SelectionError.self) { try AgeLimit("--keep") }
            #expect(option?.description.contains("that is an option, not an age") == true)
        }

        @Test("malformed ages are errors")
        func errors() {
            for text in [
                "", "d", "90", "90x", "1.5d", "-1d", "90 d", "2024-13-01", "2024-02-30", "99999999999999999999d",
                "2024-05-01T25:00:00Z",
            ] {
                #expect(throws: SelectionError.self, "\(text)") { try AgeLimit(text) }
            }
        }

        @Test("dates: RFC 3339, or a day meaning midnight UTC; cutoffs")
        func dates() throws {
            let now = Timestamp(seconds: 1_717_200_000)  // 2024-06-01T00:00:00Z
            #expect(try AgeLimit("2024-05-01").cutoff(now: now) == Timestamp(rfc3339: "2024-05-01T00:00:00Z"))
            #expect(try AgeLimit("2024-05-01T02:00:00+02:00").cutoff(now: now) == Timestamp(rfc3339: "2024-05-01T00:00:00Z"))
            #expect(try AgeLimit("1d").cutoff(now: now) == Timestamp(rfc3339: "2024-05-31T00:00:00Z"))
            #expect(try AgeLimit("30m").cutoff(now: now) == Timestamp(rfc3339: "2024-05-31T23:30:00Z"))
        }
    }
}
