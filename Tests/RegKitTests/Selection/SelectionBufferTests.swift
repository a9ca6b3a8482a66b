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

        @Test("--sort created: oldest first, ties across repositories in input order")
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

        /// A record of `repo:tag` with `digest` made from `hex` and `created` on `day` of May 2024
        /// (cosign's 0001-01-01 for day 0).
        static func image(_ tag: String, _ hex: Character, day: Int, repo: String = "team/app") -> Record {
            let created = day == 0 ? "0001-01-01T00:00:00Z" : "2024-05-\(day < 10 ? "0" : "")\(day)T12:00:00Z"
            var record = SelectionTests.record(repo, tag, created: created)
            record.digest = "sha256:" + String(repeating: hex, count: 64)
            return record
        }

        /// The signature tag (`suffix` ".sig", ".att", ".sbom" or "") of the image made from `hex`.
        static func signature(of hex: Character, _ suffix: String = ".sig", repo: String = "team/app") -> Record {
            image("sha256-" + String(repeating: hex, count: 64) + suffix, "f", day: 0, repo: repo)
        }

        static let signed: [Record] = [
            signature(of: "a"), image("1.0", "a", day: 1), image("1.1", "b", day: 2), signature(of: "c"),
            image("1.2", "c", day: 3), signature(of: "c", ".att"), signature(of: "d"),
        ]

        func short(_ records: [Record]) -> [String] {
            records.map { r in
                r.tag!.hasPrefix("sha256-") ? "sig(\(r.tag!.dropFirst(7).prefix(1)))\(r.tag!.dropFirst(71))" : r.tag!
            }
        }

        @Test("--keep --by created: signatures follow their image, are never counted, and an orphan is judged alone")
        func keepFollowsSubjects() throws {
            let passed = try Selection(keep: 2, keepOrder: .created).select(Self.signed, now: SelectionTests.now)
            // 1.2 and 1.1 are the two newest images; c's signature and attestation stay with 1.2;
            // d's image is not in the input, so its signature is ranked like any record: dated
            // 0001-01-01, it is the oldest and passes.
            #expect(short(passed) == ["sig(a).sig", "1.0", "sig(d).sig"])
        }

        @Test("--older-than: a signature dated 0001-01-01 goes only with its image")
        func olderThanFollowsSubjects() throws {
            // now is 2024-06-01: 1.0 and 1.1 are older than 29 days (cut 2024-05-03), 1.2 is not.
            let passed = try Selection(olderThan: ["29d"]).select(Self.signed, now: SelectionTests.now)
            #expect(short(passed) == ["sig(a).sig", "1.0", "1.1", "sig(d).sig"])
        }

        @Test("--invert: a signature still follows its image's decision")
        func invertFollowsSubjects() throws {
            let kept = try Selection(keep: 2, keepOrder: .created, invert: true).select(Self.signed, now: SelectionTests.now)
            #expect(short(kept) == ["1.1", "sig(c).sig", "1.2", "sig(c).att"])
        }

        @Test("a signature without created (a referrers fallback index) follows its image; an orphan one is kept")
        func signatureWithoutCreated() throws {
            var undated = Self.signature(of: "a", "")
            undated.created = nil
            var orphan = Self.signature(of: "d", "")
            orphan.created = nil
            var failures = 0
            let passed = try Selection(olderThan: ["29d"]).select(Self.signed + [undated, orphan], now: SelectionTests.now) {
                _, _ in failures += 1
            }
            #expect(failures == 0)
            #expect(short(passed) == ["sig(a).sig", "1.0", "1.1", "sig(d).sig", "sig(a)"])
        }

        @Test("an image with two tags: its signature passes only when both tags do")
        func subjectWithTwoTags() throws {
            let records = Self.signed + [Self.image("stable", "a", day: 1)]
            let passed = try Selection(tag: ["1.0", "sha256-*"], keep: 0, keepOrder: .created).select(
                records, now: SelectionTests.now)
            // `stable` does not pass the tag filter, so a's signature stays with it; 1.2 does not
            // pass either, so c's signature and attestation stay; d's has no image in the input.
            #expect(short(passed) == ["1.0", "sig(d).sig"])
        }

        @Test("equal created times rank by version: 1.0.10 is newer than 1.0.9, whatever the input order")
        func tiesByVersion() throws {
            let records = [Self.image("1.0.10", "1", day: 5), Self.image("1.0.9", "2", day: 5), Self.image("1.0.2", "3", day: 5)]
            let passed = try Selection(keep: 1, keepOrder: .created).select(records, now: SelectionTests.now)
            #expect(short(passed) == ["1.0.9", "1.0.2"])
            let sorted = try Selection(sort: .created).select(records, now: SelectionTests.now)
            #expect(short(sorted) == ["1.0.2", "1.0.9", "1.0.10"])
        }

        @Test("a repository whose created times cannot order its images is named in a warning")
        func indistinctTimes() throws {
            let selection = try Selection(keep: 1, keepOrder: .created)
            var buffer = SelectionBuffer<Int>(selection: selection, now: SelectionTests.now)
            let records =
                Self.signed + [
                    Self.image("1.0", "1", day: 5, repo: "same"), Self.image("1.1", "2", day: 5, repo: "same"),
                    Self.image("1.0", "3", day: 0, repo: "zero"), Self.image("1.1", "4", day: 0, repo: "zero"),
                    Self.image("only", "5", day: 0, repo: "single"),
                ]
            for (i, record) in records.enumerated() { try buffer.append(record, payload: i) }
            let warnings = buffer.indistinctTimes()
            #expect(warnings.count == 2, "\(warnings)")
            #expect(warnings.first?.hasPrefix("reg.example/same: all 2 images have the same created time") == true)
            #expect(warnings.last?.hasPrefix("reg.example/zero:") == true)
        }

        @Test("a signature follows the platform records of its index (reg-manifest --expand)")
        func signatureFollowsExpandedIndex() throws {
            let index = "sha256:" + String(repeating: "a", count: 64)
            let platforms = ["1", "2"].map { hex in
                var record = Self.image("1.0", Character(hex), day: 20)
                record.platform = hex == "1" ? "linux/amd64" : "linux/arm64"
                record.index = index
                return record
            }
            // 1.0 is new (2024-05-20), so its signature, stamped 0001-01-01, must stay with it.
            let passed = try Selection(olderThan: ["29d"]).select(platforms + [Self.signature(of: "a")], now: SelectionTests.now)
            #expect(short(passed) == [])
        }

        @Test("equal created times: the same records pass whatever the input order, non-version tags ranked newest")
        func tiesWithOtherTags() throws {
            let records = [Self.image("1.2", "1", day: 5), Self.image("latest", "2", day: 5), Self.image("1.1", "3", day: 5)]
            for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
                let input = order.map { records[$0] }
                let passed = try Selection(keep: 1, keepOrder: .created).select(input, now: SelectionTests.now)
                #expect(Set(short(passed)) == ["1.1", "1.2"], "input \(short(input))")
                let sorted = try Selection(sort: .created).select(input, now: SelectionTests.now)
                #expect(short(sorted) == ["1.1", "1.2", "latest"], "input \(short(input))")
            }
        }

        @Test("--sort created: equal times order each repository's tags by version, in the places its records take")
        func tiesAcrossRepositories() throws {
            let records = [
                Self.image("2.0", "1", day: 5), Self.image("x", "2", day: 5, repo: "other"), Self.image("1.0", "3", day: 5),
            ]
            let sorted = try Selection(sort: .created).select(records, now: SelectionTests.now)
            #expect(short(sorted) == ["1.0", "x", "2.0"])
        }

        /// The records of `tag`'s image of one platform each, as reg-manifest --expand writes them.
        static func platforms(_ tag: String, _ index: Character, day: Int, _ hexes: [Character]) -> [Record] {
            hexes.enumerated().map { n, hex in
                var record = Self.image(tag, hex, day: day + n)
                record.platform = "linux/\(hex)"
                record.index = "sha256:" + String(repeating: index, count: 64)
                return record
            }
        }

        @Test("--keep over platform records (reg-manifest --expand) counts images: the newest image's records all stay")
        func keepCountsImagesNotPlatforms() throws {
            let records =
                Self.platforms("1.0", "a", day: 5, ["1", "2"]) + Self.platforms("2.0", "b", day: 20, ["3", "4"])
                + Self.platforms("3.0", "c", day: 10, ["5", "6"])
            let one = try Selection(keep: 1, keepOrder: .created).select(records, now: SelectionTests.now)
            // reg-rm deletes a platform record's whole image: no record of 2.0 may pass.
            #expect(short(one) == ["1.0", "1.0", "3.0", "3.0"])
            let two = try Selection(keep: 2, keepOrder: .created).select(records, now: SelectionTests.now)
            #expect(short(two) == ["1.0", "1.0"])
            let byVersion = try Selection(keep: 1).select(records, now: SelectionTests.now)
            #expect(short(byVersion) == ["1.0", "1.0", "2.0", "2.0"])
        }

        @Test("an image whose platforms fall on both sides of an age limit does not pass")
        func ageOverPlatforms() throws {
            // 1.0's platforms are dated May 5 and 6; a limit between them keeps the image.
            let records = Self.platforms("1.0", "a", day: 5, ["1", "2"]) + Self.platforms("0.9", "b", day: 1, ["3", "4"])
            let passed = try Selection(olderThan: ["2024-05-06"]).select(records, now: SelectionTests.now)
            #expect(short(passed) == ["0.9", "0.9"])
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
