/// One `--exclude` pattern. What it is matched against depends on its shape:
///
/// - `REPO:TAG` (it has a `:`): both must match, as globs; the tag part may be a version
///   comparison: `team/app:latest`, `team/*:*-rc*`, `legacy/**:<2.0`;
/// - `REPO` (it has a `/` but no `:`): the repository, as a glob: `team/scratch/*`;
/// - `TAG` (neither): the tag, as a glob or a version comparison: `latest`, `*-rc*`, `<1.0`.
///
/// Tags cannot contain `/` or `:`, and repository names cannot contain `:`, so the shape is never
/// ambiguous. A repository without a slash is excluded with `NAME:*`.
public struct Exclusion: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    /// The repository glob, when the pattern names one.
    public let repo: Glob?
    /// The tag pattern, when the pattern names one.
    public let tag: TagPattern?

    /// - Throws: ``SelectionError`` for a bad glob or comparison, or an empty side of `:`.
    public init(_ text: String) throws(SelectionError) {
        self.text = text
        if let colon = text.firstIndex(of: ":") {
            let repoPart = String(text[..<colon])
            let tagPart = String(text[text.index(after: colon)...])
            guard !repoPart.isEmpty else {
                throw .invalidGlob(
                    text, reason: "no repository before ':'; write '\(tagPart)' to exclude a tag in every repository")
            }
            guard !tagPart.isEmpty else {
                throw .invalidGlob(
                    text, reason: "no tag after ':'; write '\(repoPart):*' or '\(repoPart)' to exclude the repository")
            }
            repo = try Glob(repoPart)
            tag = try TagPattern(tagPart)
        } else if text.contains("/") {
            repo = try Glob(text)
            tag = nil
        } else {
            repo = nil
            tag = try TagPattern(text)
        }
    }

    public var description: String { text }

    /// Whether the pattern excludes a record with this repository and tag.
    /// A pattern on a field the record lacks does not exclude it.
    public func excludes(repo recordRepo: String?, tag recordTag: String?) -> Bool {
        if let repo {
            guard let recordRepo, repo.matches(recordRepo) else { return false }
        }
        if let tag {
            guard let recordTag, tag.matches(recordTag) else { return false }
        }
        return true
    }
}
