/// The argument of `--older-than` and `--newer-than`: a duration back from now, or a date.
///
/// Durations are whole numbers with a unit, and may be chained: `90d`, `12h`, `1d12h`.
/// Units: `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks, `mo` months of 30 days,
/// `y` years of 365 days. `M` is refused: the old tool read it as months and people wrote it
/// for minutes, so the spelling says which one is meant.
///
/// A date is RFC 3339 (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00+02:00`) or a day,
/// `2024-05-01`, meaning midnight UTC.
public struct AgeLimit: Sendable, Hashable, CustomStringConvertible {
    /// Where the limit lies.
    public enum Kind: Sendable, Hashable {
        /// This many seconds before now.
        case duration(seconds: Int64)
        /// A fixed time.
        case instant(Timestamp)
    }

    /// The text as written.
    public let text: String
    public let kind: Kind

    private static let units: [(String, Int64)] = [
        ("mo", 30 * 86_400), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 7 * 86_400),
        ("y", 365 * 86_400),
    ]

    /// - Throws: ``SelectionError/invalidAge(_:reason:)``.
    public init(_ text: String) throws(SelectionError) {
        self.text = text
        if text.hasPrefix("--") {
            throw .invalidAge(text, reason: "that is an option, not an age: --older-than and --newer-than need a value")
        }
        if text.hasPrefix("-") {
            let age = text.dropFirst()
            throw .invalidAge(
                text,
                reason: "an age counts back from now and cannot be negative: \(age) already means "
                    + "created more than \(age) ago with --older-than, and less with --newer-than")
        }
        if let instant = Timestamp(rfc3339: text) ?? Timestamp(date: text) {
            kind = .instant(instant)
            return
        }
        if text.count >= 10, text.first?.isNumber == true, text.dropFirst(4).first == "-" {
            throw .invalidAge(text, reason: "not a valid date")
        }
        kind = .duration(seconds: try AgeLimit.parseDuration(text))
    }

    public var description: String { text }

    /// The time the limit stands for, when the run started at `now`.
    public func cutoff(now: Timestamp) -> Timestamp {
        switch kind {
        case .duration(let seconds): return now.subtracting(seconds: seconds)
        case .instant(let instant): return instant
        }
    }

    private static func parseDuration(_ text: String) throws(SelectionError) -> Int64 {
        var rest = Substring(text)
        guard !rest.isEmpty else { throw .invalidAge(text, reason: "it is empty") }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else {
                throw .invalidAge(text, reason: "expected a number at '\(rest)'")
            }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unitText.count)
            guard !unitText.isEmpty else {
                throw .invalidAge(text, reason: "the number \(digits) has no unit")
            }
            if unitText == "M" {
                throw .invalidAge(text, reason: "M is ambiguous; write \(digits)m for minutes or \(digits)mo for months")
            }
            guard let unit = units.first(where: { $0.0 == unitText })?.1 else {
                throw .invalidAge(text, reason: "unknown unit '\(unitText)' (units: s, m, h, d, w, mo, y)")
            }
            guard let count = Int64(digits) else { throw .invalidAge(text, reason: "the number \(digits) is too large") }
            let (product, overflow1) = count.multipliedReportingOverflow(by: unit)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2, sum < 10_000 * 365 * 86_400 else {
                throw .invalidAge(text, reason: "longer than ten thousand years")
            }
            total = sum
        }
        return total
    }
}
