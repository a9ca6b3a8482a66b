/// A tag read as a version, the way Python's `distutils.version.LooseVersion` reads it
/// (and dregutil, which compared tags with it).
///
/// The text is cut into runs of digits (numbers, compared numerically: `1.10 > 1.9`,
/// `1.02 == 1.2`), runs of lower-case letters, and runs of any other characters
/// except `.`, which only separates. `1.2.0-rc1` is `1 2 0 "-" "rc" 1`.
///
/// Decisions, with LooseVersion's rules kept where they are sound:
/// - A tag is a version when it starts with a digit, or with `v` or `V` and a digit;
///   `latest`, `main`, `sha-3f2a` are not, and never match a comparison.
/// - One leading `v` or `V` is dropped: `v1.2 == 1.2`.
/// - A version that extends another is greater: `1.2.0-rc1 > 1.2.0` (LooseVersion's rule;
///   leave pre-releases out with `--exclude '*-rc*'`).
/// - Where the first difference puts a number against text (`1.2-rc1` against `1.2.0`),
///   LooseVersion cannot compare (Python raises `TypeError`); ``compare(_:_:)`` answers nil and
///   a comparison does not match, as in dregutil. For sorting, ``sortsBefore(_:)`` puts
///   numbers before text, as dregutil's `SortingVersion` does.
public struct LooseVersion: Sendable, Hashable, CustomStringConvertible {
    /// One run of the version.
    public enum Component: Sendable, Hashable {
        /// Digits without leading zeros (`"0"` for zero), so that equal numbers are equal.
        case number(String)
        /// Letters or other characters.
        case text(String)
    }

    /// The text as written, `v` included.
    public let text: String
    public let components: [Component]

    /// Reads `text` as a version.
    /// - Returns: nil when `text` does not start with a digit (after an optional `v`).
    public init?(_ text: String) {
        let bytes = text.utf8
        var start = bytes.startIndex
        guard start != bytes.endIndex else { return nil }
        if bytes[start] == UInt8(ascii: "v") || bytes[start] == UInt8(ascii: "V") {
            start = bytes.index(after: start)
        }
        guard start != bytes.endIndex, LooseVersion.isDigit(bytes[start]) else { return nil }
        self.text = text
        self.components = LooseVersion.components(of: Substring(text).utf8[start...])
    }

    public var description: String { text }

    /// Equal components: `1.02 == v1.2`.
    public static func == (a: LooseVersion, b: LooseVersion) -> Bool { a.components == b.components }
    public func hash(into hasher: inout Hasher) { hasher.combine(components) }

    /// How `a` compares with `b`, or nil where LooseVersion cannot tell (a number against text).
    public static func compare(_ a: LooseVersion, _ b: LooseVersion) -> Order? {
        for (x, y) in zip(a.components, b.components) {
            switch (x, y) {
            case (.number(let m), .number(let n)):
                if m.utf8.count != n.utf8.count { return m.utf8.count < n.utf8.count ? .ascending : .descending }
                if let order = Order(bytes: m, n) { return order }
            case (.text(let s), .text(let t)):
                if let order = Order(bytes: s, t) { return order }
            default:
                return nil
            }
        }
        if a.components.count == b.components.count { return .same }
        return a.components.count < b.components.count ? .ascending : .descending
    }

    /// A total order for sorting: ``compare(_:_:)`` where it answers, and else numbers before text.
    public func sortsBefore(_ other: LooseVersion) -> Bool {
        LooseVersion.sortOrder(self, other) == .ascending
    }

    /// The total order of ``sortsBefore(_:)`` as one comparison: components in turn, numbers
    /// numerically and before text, text by code point, a prefix first.
    public static func sortOrder(_ a: LooseVersion, _ b: LooseVersion) -> Order {
        for (x, y) in zip(a.components, b.components) {
            switch (x, y) {
            case (.number(let m), .number(let n)):
                if m.utf8.count != n.utf8.count { return m.utf8.count < n.utf8.count ? .ascending : .descending }
                if let order = Order(bytes: m, n) { return order }
            case (.text(let s), .text(let t)):
                if let order = Order(bytes: s, t) { return order }
            case (.number, .text):
                return .ascending
            case (.text, .number):
                return .descending
            }
        }
        if a.components.count == b.components.count { return .same }
        return a.components.count < b.components.count ? .ascending : .descending
    }

    /// The result of a comparison.
    public enum Order: Sendable, Equatable {
        case ascending, same, descending

        /// Compares strings by their UTF-8 bytes, which is code point order, as Python compares.
        /// Nil when they are equal.
        fileprivate init?(bytes a: String, _ b: String) {
            if a == b { return nil }
            self = a.utf8.lexicographicallyPrecedes(b.utf8) ? .ascending : .descending
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }

    private static func components(of bytes: Substring.UTF8View) -> [Component] {
        var result: [Component] = []
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                i = bytes.index(after: i)
                continue
            }
            let kind: (UInt8) -> Bool
            if isDigit(c) {
                kind = isDigit
            } else if isLower(c) {
                kind = isLower
            } else {
                kind = { !isDigit($0) && !isLower($0) && $0 != UInt8(ascii: ".") }
            }
            var j = bytes.index(after: i)
            while j != bytes.endIndex && kind(bytes[j]) { j = bytes.index(after: j) }
            let run = Substring(bytes[i..<j])
            if isDigit(c) {
                let digits = run.drop { $0 == "0" }
                result.append(.number(digits.isEmpty ? "0" : String(digits)))
            } else {
                result.append(.text(String(run)))
            }
            i = j
        }
        return result
    }
}
