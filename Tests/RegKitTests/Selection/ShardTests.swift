import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("Shard")
    struct ShardTests {
        /// 1,000 records over 200 repositories in two registries.
        static let records: [Record] = (0..<1000).map { i in
            SelectionTests.record("team\(i % 7)/app\(i % 200)", "1.\(i)", registry: i % 3 == 0 ? "a.example" : "b.example:5000")
        }

        @Test("shards cover every record exactly once", arguments: [1, 3, 7])
        func partition(count: Int) throws {
            var seen: [String: Int] = [:]
            for index in 1...count {
                let selection = try Selection(shard: "\(index)/\(count)")
                for record in selection.select(Self.records, now: SelectionTests.now) {
                    seen[record.displayName, default: 0] += 1
                }
            }
            #expect(seen.count == Self.records.count)
            #expect(seen.values.allSatisfy { $0 == 1 })
        }

        @Test("a repository's records stay together, and the split is not lopsided")
        func byRepository() throws {
            var shardOfRepo: [String: Int] = [:]
            var sizes = [Int](repeating: 0, count: 7)
            for record in Self.records {
                let shard = Shard.number(registry: record.registry, repo: record.repo, count: 7)
                let key = record.registry! + "/" + record.repo!
                #expect(shardOfRepo[key, default: shard] == shard)
                shardOfRepo[key] = shard
                sizes[shard - 1] += 1
            }
            #expect(sizes.allSatisfy { $0 > 50 })
        }

        @Test("the hash is FNV-1a 64 of registry/repo: stable across runs and machines")
        func stableHash() {
            #expect(Shard.fnv1a("", 0xcbf2_9ce4_8422_2325) == 0xcbf2_9ce4_8422_2325)
            #expect(Shard.fnv1a("a", 0xcbf2_9ce4_8422_2325) == 0xaf63_dc4c_8601_ec8c)
            #expect(Shard.fnv1a("foobar", 0xcbf2_9ce4_8422_2325) == 0x8594_4171_f739_67e8)
            // FNV-1a("reg.example/team/app") mod 3, computed independently.
            #expect(Shard.number(registry: "reg.example", repo: "team/app", count: 3) == Self.expected("reg.example/team/app", 3))
        }

        static func expected(_ text: String, _ n: UInt64) -> Int {
            var h: UInt64 = 14_695_981_039_346_656_037
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
            return Int(h % n) + 1
        }

        @Test("error records are sharded too, and --invert stays within the shard")
        func errorsAndInvert() throws {
            let failed = SelectionTests.record("team1/app1", "x", error: "boom")
            let records = Self.records + [failed]
            var total = 0
            var errors = 0
            for index in 1...3 {
                var selection = try Selection(tag: ["1.1*"], shard: "\(index)/3")
                let passed = selection.select(records, now: SelectionTests.now)
                selection.invert = true
                let others = selection.select(records, now: SelectionTests.now)
                total += passed.count + others.count - (passed.contains(failed) ? 1 : 0)
                errors += passed.filter { $0.error != nil }.count
                #expect(passed.contains(failed) == others.contains(failed))
            }
            #expect(total == records.count)
            #expect(errors == 1)
        }

        @Test("I/N is checked: shards are numbered from 1")
        func parsing() throws {
            #expect(try Shard(parsing: "1/3") == Shard(index: 1, count: 3))
            #expect(try Shard(parsing: "3/3") == Shard(index: 3, count: 3))
            #expect(try Shard(parsing: "1/1") == Shard(index: 1, count: 1))
            for bad in ["0/3", "4/3", "1/0", "-1/3", "1", "1/3/5", "a/b", "", "/3", "1/"] {
                #expect(throws: SelectionError.self, "\(bad)") { try Shard(parsing: bad) }
            }
        }
    }
}
