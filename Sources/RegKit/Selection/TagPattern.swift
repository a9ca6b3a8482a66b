/// What `--tag` accepts, and the tag part of `--exclude`: an exact tag, a ``Glob``, or
/// ``VersionConstraint``s when the text starts with `<`, `>`, `=` or `!`.
public enum TagPattern: Sendable, Hashable, CustomStringConvertible {
    case glob(Glob)
    case versions(VersionConstraint)

    /// - Throws: ``SelectionError`` for a bad glob or comparison, or for a `/` or `:`, which a
    ///   tag cannot contain: the pattern was meant for a repository or a whole reference.
    public init(_ text: String) throws(SelectionError) {
        if text.contains("/") || text.contains(":") {
            throw .invalidGlob(
                text,
                reason: "a tag cannot contain '/' or ':'; tag patterns match the tag alone: "
                    + "select a repository with --repo team/app, exclude one image with --exclude team/app:TAG "
                    + "(repository names are written without the registry)")
        }
        if VersionConstraint.looksLikeConstraint(text) {
            self = .versions(try VersionConstraint(text))
        } else {
            self = .glob(try Glob(text))
        }
    }

    /// Whether `tag` matches.
    public func matches(_ tag: String) -> Bool {
        switch self {
        case .glob(let glob): return glob.matches(tag)
        case .versions(let constraint): return constraint.matches(tag)
        }
    }

    public var description: String {
        switch self {
        case .glob(let glob): return glob.pattern
        case .versions(let constraint): return constraint.text
        }
    }
}
