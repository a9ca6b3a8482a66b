public import ArgumentParser
public import RegCommands
import RegKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reg-select [FILTERS]`: filters and orders records; no network.
public struct RegSelectCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-select",
        abstract: "Filter and order records by repository, tag, version and age.",
        discussion: """
            Reads records from standard input and writes those that pass. Options of different \
            kinds must all hold; repeating a kind means either: two --tag options pass a tag that \
            matches one or the other. --repo and --repo-regex are one kind, --tag and --tag-regex \
            another; any --exclude or --exclude-regex that matches leaves a record out.

            Patterns match the whole name; repository names are written without the registry. \
            In a glob, * matches within one path segment, ** across slashes (team/**/app also \
            matches team/app), ? one character, [a-z] a set, [!a-z] its complement, \\ quotes. \
            A regular expression matches the whole name too: write .*rc.* to find rc anywhere.

            A --tag or --exclude that starts with <, >, =, or ! compares versions: <1.4, >=2.0, \
            ==1.2.3, !=1.3; comparisons joined by commas must all hold: '>=1.0,<2.0'. Tags are \
            read as Python's LooseVersion reads them (numbers compare as numbers: 1.10 > 1.9; \
            1.2.0-rc1 > 1.2.0); one leading v is ignored (v1.2 == 1.2). Tags that are not \
            versions (latest, main) never match a comparison.

            --exclude PATTERN is matched by its shape: REPO:TAG (with a colon) against both, \
            REPO (with a slash, no colon) against the repository, anything else against the tag.

            --older-than and --newer-than take a duration back from now (s, m = minutes, h, d, \
            w, mo = 30 days, y = 365 days; chains like 1d12h; M is refused as ambiguous) or a \
            date (2024-05-01, 2024-05-01T12:00:00Z). They, --keep --by created and --sort \
            created need the created field that reg-manifest --config adds: a record without it \
            is reported on standard error and left out, and the exit status is 1.

            --keep N leaves out the N newest records of each registry and repository among those \
            that passed the filters, by version (a tag that is not a version is always left \
            out) or by created (equal times by version), and passes the rest: the retention \
            idiom. --invert passes exactly the records that would not have passed; with --keep, \
            that is what is kept.

            With --keep, --sort, --older-than or --newer-than, a signature, attestation or SBOM \
            tag (sha256-<hex>.sig, .att, .sbom, or sha256-<hex>) whose image is in the input \
            (same repository, that digest, from reg-manifest) follows its image: it passes \
            exactly when every record of the image passes, with or without --invert, and is \
            never counted by --keep. A repository whose created times cannot order its images \
            (all equal, or all at the epoch) is named in a warning.

            --shard I/N (1 <= I <= N) passes the records of one of N disjoint parts, split by \
            a stable hash of registry/repository, to run the same selection on N machines.

            Records with an error field pass through (only --shard applies to them). Output \
            keeps input order and streams; --keep, --sort and the options on created read all \
            input first, and --sort orders the output (ties in input order; records with an \
            error first).

            Exit status: 0 when every line was read and decided; 1 when a line was malformed \
            or a record lacked created (the other records are still written); 2 on bad usage \
            or unreadable input.

            Examples:
              reg-ls r.example | reg-tags | reg-select --repo 'team/*' --tag '<1.4' |
                reg-rm --dry-run
              reg-tags r.example/app | reg-select --tag '>=1.0,<2.0' --exclude '*-rc*'
              reg-tags r.example/app | reg-manifest --config |
                reg-select --older-than 90d --keep 5
              reg-ls r.example | reg-tags |
                reg-select --exclude 'team/app:latest' --shard 2/4
            """,
        version: RegVersion.current)

    @Option(
        name: .customLong("repo"),
        help: ArgumentHelp("Pass repositories matching this name or glob (team/*, team/**).", valueName: "pattern"))
    var repos: [String] = []

    @Option(
        name: .customLong("repo-regex"),
        help: ArgumentHelp("Pass repositories matching this regular expression, whole.", valueName: "regex"))
    var repoRegexes: [String] = []

    @Option(
        name: .customLong("tag"),
        help: ArgumentHelp(
            "Pass tags matching this name, glob, or version comparison ('<1.4', '>=1.0,<2.0').",
            valueName: "pattern"))
    var tags: [String] = []

    @Option(
        name: .customLong("tag-regex"),
        help: ArgumentHelp("Pass tags matching this regular expression, whole.", valueName: "regex"))
    var tagRegexes: [String] = []

    @Option(
        name: .customLong("exclude"),
        help: ArgumentHelp(
            "Leave out records matching TAG, REPO (has a /) or REPO:TAG; globs and comparisons allowed.",
            valueName: "pattern"))
    var exclusions: [String] = []

    @Option(
        name: .customLong("exclude-regex"),
        help: ArgumentHelp("Leave out tags matching this regular expression, whole.", valueName: "regex"))
    var exclusionRegexes: [String] = []

    // .unconditional: the next argument is the value even when it starts with a dash, so that
    // -1d gets an answer about ages rather than "Missing value".
    @Option(
        name: .customLong("older-than"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass images created before this age (90d, 12h, 2w, 30m, 6mo) or date.", valueName: "age"))
    var olderThan: [String] = []

    @Option(
        name: .customLong("newer-than"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp("Pass images created after this age or date.", valueName: "age"))
    var newerThan: [String] = []

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Leave out the N newest records of each repository (signature tags follow their image); pass the rest.",
            valueName: "n"))
    var keep: Int?

    @Option(help: ArgumentHelp("What --keep ranks by.", valueName: "version|created"))
    var by: Selection.KeepOrder?

    @Option(help: ArgumentHelp("Order the output (reads all input first).", valueName: "version|created|name"))
    var sort: Selection.SortKey?

    @Flag(help: "Pass exactly the records that would not pass.")
    var invert = false

    @Option(help: ArgumentHelp("Pass only shard I of N (1 <= I <= N), split by repository.", valueName: "i/n"))
    var shard: String?

    public init() {}

    public func validate() throws {
        if let keep, keep < 0 {
            throw ValidationError("--keep \(keep): the number of records to keep cannot be negative.")
        }
        if by != nil && keep == nil {
            throw ValidationError("--by only orders --keep: add --keep N, or use --sort to order the output.")
        }
        do {
            _ = try selection()
        } catch {
            throw ValidationError("\(error).")
        }
    }

    public func run() async throws {
        ignoreBrokenPipeSignal()
        let diagnostics = Diagnostics(tool: "reg-select")
        if isatty(0) != 0 {
            throw ValidationError(
                "reg-select reads records from standard input: pipe them in, as in reg-tags REGISTRY/REPO | reg-select --tag '<1.4'."
            )
        }
        let context = ToolContext.offline(diagnostics: diagnostics, input: .lines(RecordInput(diagnostics: diagnostics)))
        await SelectOperation(selection: try selection()).run(context)
        try context.finish()
    }

    private func selection() throws(SelectionError) -> Selection {
        try Selection(
            repo: repos, repoRegex: repoRegexes, tag: tags, tagRegex: tagRegexes, exclude: exclusions,
            excludeRegex: exclusionRegexes, olderThan: olderThan, newerThan: newerThan, keep: keep,
            keepOrder: by ?? .version, sort: sort, invert: invert, shard: shard)
    }
}

extension Selection.KeepOrder: ExpressibleByArgument {}
extension Selection.SortKey: ExpressibleByArgument {}
