public import Foundation

/// RFC 3339 times, as image configs write them (`2024-05-01T12:00:00.123456789Z`).
public enum RFC3339 {
    /// The time, or nil when `text` is not RFC 3339. Fractions of any length are accepted.
    public static func parse(_ text: String) -> Date? {
        // ISO8601DateFormatter takes at most milliseconds; cut the fraction and add it back.
        var whole = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."),
            let end = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" })
        {
            fraction = Double("0" + text[dot..<end]) ?? 0
            whole = String(text[..<dot] + text[end...])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: whole.uppercased()) else { return nil }
        return date.addingTimeInterval(fraction)
    }

    /// `2024-05-01T12:00:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
