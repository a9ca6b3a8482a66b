import Testing

@testable import RegKit

/// reg-select's logic. Every suite of Tests/RegKitTests/Selection nests in this one, so that
/// `swift test --filter Selection` runs them all.
@Suite("Selection")
struct SelectionTests {
    /// A record as reg-tags or reg-manifest --config writes it.
    static func record(
        _ repo: String?, _ tag: String? = nil, created: String? = nil, registry: String = "reg.example",
        error: String? = nil
    ) -> Record {
        var record = Record()
        record.registry = registry
        record.repo = repo
        record.tag = tag
        record.created = created
        record.error = error
        return record
    }

    /// A fixed "now" for age tests: 2024-06-01T00:00:00Z.
    static let now = Timestamp(rfc3339: "2024-06-01T00:00:00Z")!

    /// The `repo:tag` of each record that passes.
    static func names(_ selection: Selection, _ records: [Record]) -> [String] {
        selection.select(records, now: now).map { "\($0.repo ?? "-"):\($0.tag ?? "-")" }
    }

    static let inventory: [Record] = [
        record("team/app", "1.2"),
        record("team/app", "1.10"),
        record("team/app", "latest"),
        record("team/web", "2.0"),
        record("team/web/assets", "1.0"),
        record("infra/db", "1.3"),
        record("busybox", "1.36"),
    ]

    @Test("without options every record passes, in input order")
    func passesEverything() {
        #expect(Self.names(Selection(), Self.inventory).count == Self.inventory.count)
    }

    @Test("--repo: exact names and globs; * stays within a segment, ** crosses")
    func repoFilter() throws {
        #expect(Self.names(try Selection(repo: ["busybox"]), Self.inventory) == ["busybox:1.36"])
        #expect(
            Self.names(try Selection(repo: ["team/*"]), Self.inventory) == [
                "team/app:1.2", "team/app:1.10", "team/app:latest", "team/web:2.0",
            ])
        #expect(Self.names(try Selection(repo: ["team/**"]), Self.inventory).count == 5)
    }

    @Test("--repo-regex matches the whole name unless the user writes .*")
    func repoRegex() throws {
        #expect(Self.names(try Selection(repoRegex: ["app"]), Self.inventory).isEmpty)
        #expect(Self.names(try Selection(repoRegex: [".*app"]), Self.inventory).count == 3)
        #expect(Self.names(try Selection(repoRegex: ["team/(app|web)"]), Self.inventory).count == 4)
    }

    @Test("--tag: exact, glob, version comparison; --tag-regex")
    func tagFilter() throws {
        #expect(Self.names(try Selection(tag: ["latest"]), Self.inventory) == ["team/app:latest"])
        #expect(Self.names(try Selection(tag: ["1.*"]), Self.inventory).count == 5)
        #expect(
            Self.names(try Selection(tag: ["<1.4"]), Self.inventory) == [
                "team/app:1.2", "team/web/assets:1.0", "infra/db:1.3",
            ])
        #expect(
            Self.names(try Selection(tag: [">=1.3,<2.0"]), Self.inventory) == [
                "team/app:1.10", "infra/db:1.3", "busybox:1.36",
            ])
        #expect(Self.names(try Selection(tagRegex: [#"\d+\.\d"#]), Self.inventory).count == 4)  // not 1.10, 1.36
        #expect(Self.names(try Selection(tagRegex: [#"\d+\.\d+"#]), Self.inventory).count == 6)
    }

    @Test("repeated options of one kind combine with OR")
    func sameKindIsOr() throws {
        #expect(Self.names(try Selection(tag: ["latest", "2.0"]), Self.inventory) == ["team/app:latest", "team/web:2.0"])
        #expect(Self.names(try Selection(repo: ["busybox"], repoRegex: ["infra/.*"]), Self.inventory).count == 2)
        #expect(Self.names(try Selection(tag: ["latest"], tagRegex: ["2\\.0"]), Self.inventory).count == 2)
        // Two comparisons in two --tag options: either one; in one option: both.
        #expect(
            Self.names(try Selection(tag: ["<1.3", ">1.36"]), Self.inventory) == [
                "team/app:1.2", "team/web:2.0", "team/web/assets:1.0",
            ])
        #expect(Self.names(try Selection(tag: ["<1.3,>1.36"]), Self.inventory).isEmpty)
    }

    @Test("options of different kinds combine with AND")
    func differentKindsAreAnd() throws {
        #expect(Self.names(try Selection(repo: ["team/*"], tag: ["<2"]), Self.inventory) == ["team/app:1.2", "team/app:1.10"])
        #expect(
            Self.names(try Selection(repo: ["team/**"], tag: ["1.*"], exclude: ["1.10"]), Self.inventory) == [
                "team/app:1.2", "team/web/assets:1.0",
            ])
    }

    @Test("--exclude: a tag, a repository (has /), or REPO:TAG (has :)")
    func exclusions() throws {
        #expect(!Self.names(try Selection(exclude: ["latest"]), Self.inventory).contains("team/app:latest"))
        #expect(
            Self.names(try Selection(exclude: ["team/*"]), Self.inventory) == [
                "team/web/assets:1.0", "infra/db:1.3", "busybox:1.36",
            ])
        #expect(Self.names(try Selection(exclude: ["team/app:latest"]), Self.inventory).count == 6)
        #expect(Self.names(try Selection(exclude: ["busybox:*"]), Self.inventory).count == 6)
        #expect(Self.names(try Selection(exclude: ["team/app:<1.5"]), Self.inventory).count == 6)
        #expect(Self.names(try Selection(exclude: ["<1.5"]), Self.inventory).count == 4)
        // Any exclusion leaves a record out.
        #expect(Self.names(try Selection(exclude: ["latest"], excludeRegex: ["1\\..*"]), Self.inventory) == ["team/web:2.0"])
    }

    @Test("records with an error pass through every filter, and --invert")
    func errorRecordsPassThrough() throws {
        let failed = Self.record("team/app", "9.9", error: "manifest unknown")
        let records = Self.inventory + [failed]
        let strict = try Selection(repo: ["nothing"], tag: ["<0"], olderThan: ["1d"])
        #expect(strict.select(records, now: Self.now) == [failed])
        var inverted = Selection()
        inverted.invert = true
        #expect(inverted.select(records, now: Self.now) == [failed])
        var keep = try Selection(keep: 0, sort: .name)
        keep.invert = false
        #expect(keep.select([Self.record("a", "1"), failed], now: Self.now).first == failed)
    }

    @Test("--invert passes exactly the others")
    func invert() throws {
        var selection = try Selection(repo: ["team/*"])
        let passed = Self.names(selection, Self.inventory)
        selection.invert = true
        let others = Self.names(selection, Self.inventory)
        #expect(Set(passed).isDisjoint(with: others))
        #expect(passed.count + others.count == Self.inventory.count)
        #expect(others == ["team/web/assets:1.0", "infra/db:1.3", "busybox:1.36"])
    }

    @Test("records without the field a filter reads do not match it")
    func missingFields() throws {
        let repoOnly = Self.record("team/app")
        #expect(try Selection(tag: ["*"]).select([repoOnly], now: Self.now).isEmpty)
        #expect(try Selection(exclude: ["latest"]).select([repoOnly], now: Self.now) == [repoOnly])
        #expect(try Selection(repo: ["team/*"]).select([repoOnly], now: Self.now) == [repoOnly])
    }

    @Test("--older-than and --newer-than with a fixed now; durations and dates")
    func age() throws {
        let records = [
            Self.record("a", "1", created: "2024-05-31T12:00:00Z"),  // 12 hours old
            Self.record("a", "2", created: "2024-05-20T00:00:00Z"),  // 12 days
            Self.record("a", "3", created: "2024-02-01T00:00:00+02:00"),  // 4 months
            Self.record("a", "4", created: "2023-01-01T00:00:00.5Z"),  // 17 months
        ]
        #expect(Self.names(try Selection(olderThan: ["1d"]), records) == ["a:2", "a:3", "a:4"])
        #expect(Self.names(try Selection(olderThan: ["2w"]), records) == ["a:3", "a:4"])
        #expect(Self.names(try Selection(newerThan: ["13h"]), records) == ["a:1"])
        #expect(Self.names(try Selection(newerThan: ["720m"]), records).isEmpty)  // exactly 12 hours: not newer
        #expect(Self.names(try Selection(olderThan: ["1y"]), records) == ["a:4"])
        #expect(Self.names(try Selection(olderThan: ["3mo"]), records) == ["a:3", "a:4"])
        #expect(Self.names(try Selection(olderThan: ["2024-01-01"]), records) == ["a:4"])
        #expect(Self.names(try Selection(newerThan: ["2024-05-20T00:00:00Z"]), records) == ["a:1"])
        // Different kinds: AND, a window.
        #expect(Self.names(try Selection(olderThan: ["1d"], newerThan: ["30d"]), records) == ["a:2"])
        // One kind: OR.
        #expect(Self.names(try Selection(newerThan: ["1d", "2024-05-19"]), records) == ["a:1", "a:2"])
    }

    @Test("a record without created is reported with the fix and left out")
    func missingCreated() throws {
        let records = [
            Self.record("team/app", "1", created: "2020-01-01T00:00:00Z"),
            Self.record("team/app", "2"),
            Self.record("team/app", "3", created: "last week"),
            Self.record("team/app", "4", error: "manifest unknown"),
        ]
        var failures: [String] = []
        let passed = try Selection(olderThan: ["1d"]).select(records, now: Self.now) { _, error in
            failures.append(error.description)
        }
        #expect(passed.map(\.tag) == ["1", "4"])
        #expect(
            failures == [
                "reg.example/team/app:2: record has no created field, which --older-than needs; run reg-manifest --config first",
                "reg.example/team/app:3: created 'last week' is not an RFC 3339 time; run reg-manifest --config to set it",
            ])
        #expect(throws: SelectionError.self) { try Selection(sort: .created).matches(records[1], now: Self.now) }
        #expect(try Selection(sort: .name).matches(records[1], now: Self.now))
    }

    @Test("matches is the streaming decision: shard, error pass-through, filters, invert")
    func matchesOneRecord() throws {
        let selection = try Selection(tag: ["1.*"], invert: true)
        #expect(try selection.matches(Self.record("a", "latest"), now: Self.now))
        #expect(try !selection.matches(Self.record("a", "1.0"), now: Self.now))
        #expect(try selection.matches(Self.record("a", "1.0", error: "x"), now: Self.now))
    }

    @Test("bad options are reported with the text and the fix")
    func badOptions() {
        #expect(throws: SelectionError.self) { try Selection(repo: ["team/[a-"]) }
        #expect(throws: SelectionError.self) { try Selection(repoRegex: ["team/(app"]) }
        #expect(throws: SelectionError.self) { try Selection(tag: ["<"]) }
        #expect(throws: SelectionError.self) { try Selection(olderThan: ["3M"]) }
        #expect(throws: SelectionError.self) { try Selection(shard: "0/3") }
        do {
            _ = try Selection(tagRegex: ["(unclosed"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("--tag-regex '(unclosed' is not a valid regular expression"))
        }
    }
}
