/// What reg-select keeps: every filter the user gave, configured once, applied to each record.
///
/// Options of different kinds combine with AND; options of one kind with OR. The kinds:
/// the repository (``repos`` and ``repoRegexes`` together), the tag (``tags`` and
/// ``tagRegexes`` together), exclusions (``exclusions`` and ``exclusionRegexes``: any one
/// excludes), ``olderThan``, ``newerThan``. Comparisons joined by commas inside one tag
/// pattern all hold (`>=1.0,<2.0`).
///
/// Then, over the whole input: ``keep`` leaves out the N newest records of each
/// (registry, repo) among those that passed; ``invert`` passes exactly the records that
/// would not have passed; ``sort`` orders the output. A signature, attestation or SBOM tag
/// (``ReferrerTag``) whose image is in the input (a record of the same repository with that
/// digest) follows it: it passes exactly when every record of its image passes, and is never
/// counted by ``keep``. cosign stamps these artifacts 0001-01-01, so their own dates mean nothing. ``shard`` is a split, not a filter:
/// it applies outside ``invert``, so the shards of an inverted selection still partition it.
///
/// Records with an `error` field pass through untouched: only ``shard`` applies to them,
/// so that each lands in exactly one shard.
public struct Selection: Sendable {
    /// How ``keep`` ranks records within a repository.
    public enum KeepOrder: String, Sendable, CaseIterable {
        /// By the tag read as a ``LooseVersion``. Records whose tag is not a version cannot be
        /// ranked, and are always kept (never passed).
        case version
        /// By the `created` field.
        case created
    }

    /// The order of the output.
    public enum SortKey: String, Sendable, CaseIterable {
        /// By registry and repository, then by tag as a ``LooseVersion``, tags that are not
        /// versions last, by name.
        case version
        /// By the `created` field, oldest first.
        case created
        /// By registry, repository and tag, byte by byte.
        case name
    }

    /// Repository globs (`--repo`).
    public var repos: [Glob] = []
    /// Repository expressions (`--repo-regex`).
    public var repoRegexes: [AnchoredRegex] = []
    /// Tag patterns: exact, glob or version comparisons (`--tag`).
    public var tags: [TagPattern] = []
    /// Tag expressions (`--tag-regex`).
    public var tagRegexes: [AnchoredRegex] = []
    /// `--exclude`.
    public var exclusions: [Exclusion] = []
    /// Tag expressions that exclude (`--exclude-regex`).
    public var exclusionRegexes: [AnchoredRegex] = []
    /// `--older-than`: `created` before the limit.
    public var olderThan: [AgeLimit] = []
    /// `--newer-than`: `created` after the limit.
    public var newerThan: [AgeLimit] = []
    /// `--keep N`: leave out the N newest of each (registry, repo).
    public var keep: Int?
    /// `--by`: how ``keep`` ranks.
    public var keepOrder: KeepOrder = .version
    /// `--sort`.
    public var sort: SortKey?
    /// `--invert`.
    public var invert = false
    /// `--shard I/N`.
    public var shard: Shard?

    /// A selection that passes everything.
    public init() {}

    /// A selection from the options as written.
    /// - Throws: ``SelectionError`` naming the first option that cannot be read.
    public init(
        repo: [String] = [], repoRegex: [String] = [], tag: [String] = [], tagRegex: [String] = [],
        exclude: [String] = [], excludeRegex: [String] = [], olderThan: [String] = [], newerThan: [String] = [],
        keep: Int? = nil, keepOrder: KeepOrder = .version, sort: SortKey? = nil, invert: Bool = false,
        shard: String? = nil
    ) throws(SelectionError) {
        for text in repo { repos.append(try Glob(text)) }
        for text in repoRegex { repoRegexes.append(try AnchoredRegex(text, option: "--repo-regex")) }
        for text in tag { tags.append(try TagPattern(text)) }
        for text in tagRegex { tagRegexes.append(try AnchoredRegex(text, option: "--tag-regex")) }
        for text in exclude { exclusions.append(try Exclusion(text)) }
        for text in excludeRegex { exclusionRegexes.append(try AnchoredRegex(text, option: "--exclude-regex")) }
        for text in olderThan { self.olderThan.append(try AgeLimit(text)) }
        for text in newerThan { self.newerThan.append(try AgeLimit(text)) }
        self.keep = keep
        self.keepOrder = keepOrder
        self.sort = sort
        self.invert = invert
        if let shard { self.shard = try Shard(parsing: shard) }
    }

    /// Whether the output can only be written once all input is read: `--keep`, `--sort`, and
    /// any option on `created`, because a signature or attestation tag (``ReferrerTag``) is
    /// decided with its image, wherever the image's record comes in the input.
    public var needsWholeInput: Bool { keep != nil || sort != nil || optionNeedingCreated != nil }

    /// The option that needs each record's `created` field, if any.
    public var optionNeedingCreated: String? {
        if !olderThan.isEmpty { return "--older-than" }
        if !newerThan.isEmpty { return "--newer-than" }
        if keep != nil && keepOrder == .created { return "--keep with --by created" }
        if sort == .created { return "--sort created" }
        return nil
    }

    /// Whether `record` falls in the shard (always, without ``shard``).
    public func inShard(_ record: Record) -> Bool {
        shard?.contains(registry: record.registry, repo: record.repo) ?? true
    }

    /// Whether `record` passes, record by record: the shard, error pass-through, the filters and
    /// ``invert``. Without ``keep`` and ``sort`` this is the whole decision.
    /// - Parameter now: the time the run started, for durations.
    /// - Throws: ``SelectionError`` when a record in the shard lacks a `created` field it needs.
    public func matches(_ record: Record, now: Timestamp) throws(SelectionError) -> Bool {
        guard inShard(record) else { return false }
        if record.error != nil { return true }
        let created = try self.created(of: record)
        return passesFilters(record, created: created, now: now) != invert
    }

    /// The record's `created` time, when some option needs it, else nil.
    /// - Throws: ``SelectionError`` when it is needed but missing or not RFC 3339.
    func created(of record: Record) throws(SelectionError) -> Timestamp? {
        guard let option = optionNeedingCreated else { return nil }
        guard let text = record.created else {
            throw .missingCreated(record: record.displayName, option: option)
        }
        guard let time = Timestamp(rfc3339: text) else {
            throw .invalidCreated(record: record.displayName, value: text)
        }
        return time
    }

    /// The filters alone: no shard, error pass-through, keep or invert.
    func passesFilters(_ record: Record, created: Timestamp?, now: Timestamp) -> Bool {
        let repo = record.repo
        if !repos.isEmpty || !repoRegexes.isEmpty {
            guard let repo, repos.contains(where: { $0.matches(repo) }) || repoRegexes.contains(where: { $0.matches(repo) })
            else { return false }
        }
        let tag = record.tag
        if !tags.isEmpty || !tagRegexes.isEmpty {
            guard let tag, tags.contains(where: { $0.matches(tag) }) || tagRegexes.contains(where: { $0.matches(tag) })
            else { return false }
        }
        if exclusions.contains(where: { $0.excludes(repo: repo, tag: tag) }) { return false }
        if let tag, exclusionRegexes.contains(where: { $0.matches(tag) }) { return false }
        if !olderThan.isEmpty {
            guard let created, olderThan.contains(where: { created < $0.cutoff(now: now) }) else { return false }
        }
        if !newerThan.isEmpty {
            guard let created, newerThan.contains(where: { created > $0.cutoff(now: now) }) else { return false }
        }
        return true
    }
}
