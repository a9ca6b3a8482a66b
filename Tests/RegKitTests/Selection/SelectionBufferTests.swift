import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("Keep and sort")
    struct SelectionBufferTests {
        static func record(_ repo: String, _ tag: String, day: Int, registry: String = "reg.example") -> Record {
            let d = day < 10 ? "0\(day)" : "\(day)"
            return SelectionTests.record(repo, tag, created: "2024-05-\(d)T12:00:00Z", registry: registry)
        }

        /// Tags in an order unrelated to their versions and dates.
        static let records: [Record] = [
            record("team/app", "1.10", day: 3),
            record("team/app", "1.2", day: 9),
            record("team/web", "2.0", day: 1),
            record("team/app", "latest", day: 20),
            record("team/app", "1.9", day: 2),
            record("team/web", "2.1", day: 5),
            record("team/app", "1.2.1", day: 1),
            record("team/app", "1.2", day: 4, registry: "mirror.example"),
        ]

        func tags(_ records: [Record]) -> [String] { records.map { "\($0.repo!):\($0.tag!)" } }

        @Test("--keep N by version drops the N newest per (registry, repo) and passes the rest in input order")
        func keepByVersion() throws {
            let passed = try Selection(keep: 2).select(Self.records, now: SelectionTests.now)
            // team/app at reg.example: 1.2 < 1.2.1 < 1.9 < 1.10, latest is not a version: kept.
            #expect(tags(passed) == ["team/app:1.2", "team/app:1.2.1"])
            let one = try Selection(keep: 1).select(Self.records, now: SelectionTests.now)
            #expect(tags(one) == ["team/app:1.2", "team/web:2.0", "team/app:1.9", "team/app:1.2.1"])
            let zero = try Selection(keep: 0).select(Self.records, now: SelectionTests.now)
            #expect(tags(zero) == tags(Self.records.filter { $0.tag != "latest" }))
        }

        @Test("--keep N --by created ranks by the created field, dates spread over days")
        func keepByCreated() throws {
            let passed = try Selection(keep: 2, keepOrder: .created).select(Self.records, now: SelectionTests.now)
            // team/app at reg.example by day: 1.2.1 (1), 1.9 (2), 1.10 (3), 1.2 (9), latest (20).
            #expect(tags(passed) == ["team/app:1.10", "team/app:1.9", "team/app:1.2.1"])
        }

        @Test("--keep applies to the records that passed the filters; --invert gives what is kept")
        func keepAfterFiltersAndInvert() throws {
            let passed = try Selection(tag: ["<1.10"], keep: 1).select(Self.records, now: SelectionTests.now)
            #expect(tags(passed) == ["team/app:1.2", "team/app:1.2.1"])
            let kept = try Selection(tag: ["<1.10"], keep: 1, invert: true).select(Self.records, now: SelectionTests.now)
            #expect(Set(kept.map(\.displayName)).isDisjoint(with: passed.map(\.displayName)))
            #expect(kept.count + passed.count == Self.records.count)
            #expect(tags(kept).contains("team/app:1.9"))
        }

        @Test("--sort version groups by registry and repository, versions then other tags")
        func sortVersion() throws {
            let sorted = try Selection(sort: .version).select(Self.records, now: SelectionTests.now)
            #expect(
                sorted.map { "\($0.registry!)/\($0.repo!):\($0.tag!)" } == [
                    "mirror.example/team/app:1.2",
                    "reg.example/team/app:1.2", "reg.example/team/app:1.2.1", "reg.example/team/app:1.9",
                    "reg.example/team/app:1.10", "reg.example/team/app:latest",
                    "reg.example/team/web:2.0", "reg.example/team/web:2.1",
                ])
        }

        @Test("--sort created: oldest first, ties in input order")
        func sortCreated() throws {
            let sorted = try Selection(sort: .created).select(Self.records, now: SelectionTests.now)
            #expect(
                tags(sorted) == [
                    "team/web:2.0", "team/app:1.2.1", "team/app:1.9", "team/app:1.10", "team/app:1.2", "team/web:2.1",
                    "team/app:1.2", "team/app:latest",
                ])
        }

        @Test("--sort name: registry, repository, tag byte by byte; errors first")
        func sortName() throws {
            let failed = SelectionTests.record("z", "9", error: "boom")
            let sorted = try Selection(sort: .name).select(Self.records + [failed], now: SelectionTests.now)
            #expect(sorted.first == failed)
            #expect(
                tags(Array(sorted.dropFirst(2))) == [
                    "team/app:1.10", "team/app:1.2", "team/app:1.2.1", "team/app:1.9", "team/app:latest", "team/web:2.0",
                    "team/web:2.1",
                ])
        }

        @Test("--keep --by created without created: reported and left out")
        func keepNeedsCreated() throws {
            var failures = 0
            let records = [SelectionTests.record("a", "1"), Self.record("a", "2", day: 1)]
            let passed = try Selection(keep: 0, keepOrder: .created).select(records, now: SelectionTests.now) { _, _ in
                failures += 1
            }
            #expect(failures == 1)
            #expect(tags(passed) == ["a:2"])
        }

        @Test("the buffer holds only records of its shard")
        func shardedBuffer() throws {
            var buffer = SelectionBuffer<Int>(selection: try Selection(sort: .name, shard: "1/2"), now: SelectionTests.now)
            for (i, record) in ShardTests.records.enumerated() { try buffer.append(record, payload: i) }
            #expect(buffer.count < ShardTests.records.count)
            #expect(buffer.count == buffer.result().count)
        }
    }
}
