/// A regular expression that must match the whole text (`--repo-regex`, `--tag-regex`,
/// `--exclude-regex`): `app` matches only `app`; write `.*app.*` to match anywhere.
///
/// The syntax is Swift's `Regex`, which reads the Perl and ICU syntax users know
/// (`\d`, `[[:alpha:]]`, `(?i)`, `a{2,3}`, lookahead).
public struct AnchoredRegex: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: Regex<AnyRegexOutput> is immutable once compiled, but not declared Sendable.
    /// The expression as written.
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `pattern`.
    /// - Parameter option: the option that gave it, for the message.
    /// - Throws: ``SelectionError/invalidRegex(_:option:reason:)``.
    public init(_ pattern: String, option: String) throws(SelectionError) {
        self.pattern = pattern
        do {
            regex = try Regex(pattern)
        } catch {
            let reason = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            throw .invalidRegex(pattern, option: option, reason: reason)
        }
    }

    public var description: String { pattern }

    /// Whether the expression matches all of `text`.
    public func matches(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
