/// A shell-style pattern for repository names and tags.
///
/// - `*` matches any run of characters within one path segment (not `/`);
/// - `**` matches any run of characters, slashes included, and `**/` also matches
///   no segment at all, so `team/**/app` matches `team/app` and `team/a/b/app`;
/// - `?` matches one character other than `/`;
/// - `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) match one character of a set, never `/`;
/// - `\` takes the next character literally.
///
/// A pattern matches the whole text. A pattern without any of these characters is an
/// exact name, compared for equality.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]
    /// The epsilon closure of each state: the state itself and every state reachable
    /// without consuming a character (past `*`, `**` and `**/`), as bit indices.
    private let closures: [[Int]]
    /// The pattern itself when it has no special characters.
    private let literal: String?

    private enum Token: Sendable, Hashable {
        case scalar(Unicode.Scalar)
        case any
        case set(ranges: [ClosedRange<UInt32>], negated: Bool)
        /// `*`: zero or more characters other than `/`.
        case star
        /// `**`: zero or more characters.
        case globstar
        /// `**/`, entered: nothing (skipping to after ``globstarSlashLoop``), or any characters
        /// ending with `/`.
        case globstarSlash
        /// `**/`, after at least one character: any characters ending with `/`.
        case globstarSlashLoop
    }

    /// Compiles a pattern.
    /// - Throws: ``SelectionError/invalidGlob(_:reason:)`` for an unclosed `[` or a trailing `\`.
    public init(_ pattern: String) throws(SelectionError) {
        self.pattern = pattern
        let scalars = Array(pattern.unicodeScalars)
        var tokens: [Token] = []
        var special = false
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "*":
                special = true
                if i + 1 < scalars.count && scalars[i + 1] == "*" {
                    i += 2
                    while i < scalars.count && scalars[i] == "*" { i += 1 }
                    if i < scalars.count && scalars[i] == "/" {
                        tokens.append(.globstarSlash)
                        tokens.append(.globstarSlashLoop)
                        i += 1
                    } else {
                        tokens.append(.globstar)
                    }
                    continue
                }
                tokens.append(.star)
            case "?":
                special = true
                tokens.append(.any)
            case "[":
                special = true
                let (token, end) = try Glob.parseSet(scalars, from: i, pattern: pattern)
                tokens.append(token)
                i = end
            case "\\":
                special = true
                guard i + 1 < scalars.count else {
                    throw .invalidGlob(pattern, reason: "a trailing \\ escapes nothing; write \\\\ for a backslash")
                }
                i += 1
                tokens.append(.scalar(scalars[i]))
            default:
                tokens.append(.scalar(c))
            }
            i += 1
        }
        self.tokens = tokens
        self.literal = special ? nil : pattern
        self.closures = Glob.closures(of: tokens)
    }

    /// Whether the pattern has any special character; an exact name otherwise.
    public var isLiteral: Bool { literal != nil }

    public var description: String { pattern }

    public static func == (a: Glob, b: Glob) -> Bool { a.pattern == b.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// Whether the pattern matches all of `text`.
    public func matches(_ text: String) -> Bool {
        if let literal { return text == literal }
        let states = tokens.count + 1
        let words = (states + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * words) { buffer in
            let current = UnsafeMutableBufferPointer(rebasing: buffer[0..<words])
            let next = UnsafeMutableBufferPointer(rebasing: buffer[words..<(2 * words)])
            current.update(repeating: 0)
            add(0, to: current)
            for c in text.unicodeScalars {
                next.update(repeating: 0)
                var alive = false
                for w in 0..<words {
                    var bits = current[w]
                    while bits != 0 {
                        let state = w * 64 + bits.trailingZeroBitCount
                        bits &= bits - 1
                        guard state < tokens.count else { continue }
                        switch tokens[state] {
                        case .scalar(let s):
                            if s == c { add(state + 1, to: next); alive = true }
                        case .any:
                            if c != "/" { add(state + 1, to: next); alive = true }
                        case .set(let ranges, let negated):
                            if c != "/" && ranges.contains(where: { $0.contains(c.value) }) != negated {
                                add(state + 1, to: next)
                                alive = true
                            }
                        case .star:
                            if c != "/" { add(state, to: next); alive = true }
                        case .globstar:
                            add(state, to: next)
                            alive = true
                        case .globstarSlash, .globstarSlashLoop:
                            let loop = tokens[state] == .globstarSlash ? state + 1 : state
                            add(loop, to: next)
                            if c == "/" { add(loop + 1, to: next) }
                            alive = true
                        }
                    }
                }
                guard alive else { return false }
                _ = current.update(fromContentsOf: next)
            }
            let accept = tokens.count
            return current[accept / 64] & (1 << UInt64(accept % 64)) != 0
        }
    }

    /// Sets the bits of `state` and of its epsilon closure.
    private func add(_ state: Int, to set: UnsafeMutableBufferPointer<UInt64>) {
        for s in closures[state] { set[s / 64] |= 1 << UInt64(s % 64) }
    }

    private static func closures(of tokens: [Token]) -> [[Int]] {
        (0...tokens.count).map { start in
            var reach = [start]
            var s = start
            while s < tokens.count {
                switch tokens[s] {
                case .star, .globstar: s += 1
                case .globstarSlash: s += 2
                default: return reach
                }
                reach.append(s)
            }
            return reach
        }
    }

    /// Parses `[...]` starting at `start`; returns the token and the index of the closing `]`.
    private static func parseSet(
        _ scalars: [Unicode.Scalar], from start: Int, pattern: String
    ) throws(SelectionError) -> (Token, Int) {
        var i = start + 1
        var negated = false
        if i < scalars.count && (scalars[i] == "!" || scalars[i] == "^") {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while i < scalars.count {
            var c = scalars[i]
            if c == "]" && !first { return (.set(ranges: ranges, negated: negated), i) }
            first = false
            if c == "\\" {
                i += 1
                guard i < scalars.count else { break }
                c = scalars[i]
            }
            var upper = c
            if i + 2 < scalars.count && scalars[i + 1] == "-" && scalars[i + 2] != "]" {
                i += 2
                if scalars[i] == "\\" {
                    i += 1
                    guard i < scalars.count else { break }
                }
                upper = scalars[i]
                guard c.value <= upper.value else {
                    throw .invalidGlob(pattern, reason: "the range \(c)-\(upper) is reversed; write \(upper)-\(c)")
                }
            }
            ranges.append(c.value...upper.value)
            i += 1
        }
        throw .invalidGlob(pattern, reason: "the [ at position \(start + 1) is never closed; write \\[ for a literal [")
    }
}
