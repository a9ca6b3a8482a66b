import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("LooseVersion")
    struct LooseVersionTests {
        func v(_ text: String) -> LooseVersion { LooseVersion(text)! }
        func order(_ a: String, _ b: String) -> LooseVersion.Order? { LooseVersion.compare(v(a), v(b)) }

        @Test("cuts into numbers, lower-case words and other runs; dots only separate")
        func components() {
            #expect(
                v("1.2.0-rc1").components == [.number("1"), .number("2"), .number("0"), .text("-"), .text("rc"), .number("1")])
            #expect(v("1.0RC1").components == [.number("1"), .number("0"), .text("RC"), .number("1")])
            #expect(v("2024.01.05").components == [.number("2024"), .number("1"), .number("5")])
            #expect(v("1..2").components == [.number("1"), .number("2")])
            #expect(v("1_b-C").components == [.number("1"), .text("_"), .text("b"), .text("-C")])
        }

        @Test("numbers compare as numbers")
        func numeric() {
            #expect(order("1.2", "1.10") == .ascending)
            #expect(order("1.10", "1.9") == .descending)
            #expect(order("10", "9") == .descending)
            #expect(order("1.02", "1.2") == .same)
            #expect(v("1.02") == v("1.2"))
            #expect(order("99999999999999999999999", "100000000000000000000000") == .ascending)
            #expect(order("1.0.0", "1.0") == .descending)
        }

        @Test("LooseVersion's rules: an extension is greater; number against text cannot be compared")
        func looseVersionRules() {
            #expect(order("1.2.0-rc1", "1.2.0") == .descending)
            #expect(order("1.2.0-rc1", "1.2.0-rc2") == .ascending)
            #expect(order("1.2a", "1.2b") == .ascending)
            #expect(order("1.2-rc1", "1.2.0") == nil)
            #expect(order("1.2-rc1", "1.4") == .ascending)  // decided before the text
        }

        @Test("one leading v is ignored; other words are not versions")
        func prefixes() {
            #expect(v("v1.2") == v("1.2"))
            #expect(v("V2") == v("2"))
            #expect(order("v1.10", "1.9") == .descending)
            for tag in ["latest", "main", "vv1", "v", "", "sha-3f2a", "release-1.2", ".1"] {
                #expect(LooseVersion(tag) == nil, "\(tag)")
            }
            #expect(LooseVersion("20240105")?.components == [.number("20240105")])
        }

        @Test("sorting is total: numbers before text where LooseVersion cannot tell, like dregutil's SortingVersion")
        func sorting() {
            let tags = ["1.10", "1.2-rc1", "1.2.0", "v1.9", "1.2", "0.9", "1.2.0-rc1", "1.2a"]
            let sorted = tags.map(v).sorted { $0.sortsBefore($1) }.map(\.text)
            #expect(sorted == ["0.9", "1.2", "1.2.0", "1.2.0-rc1", "1.2-rc1", "1.2a", "v1.9", "1.10"])
            #expect(!v("1.2").sortsBefore(v("1.02")))
            #expect(!v("1.02").sortsBefore(v("1.2")))
        }
    }

    @Suite("VersionConstraint")
    struct VersionConstraintTests {
        func matches(_ constraint: String, _ tag: String) throws -> Bool { try VersionConstraint(constraint).matches(tag) }

        @Test("each operator")
        func operators() throws {
            #expect(try matches("<1.4", "1.3.9"))
            #expect(try !matches("<1.4", "1.4"))
            #expect(try matches("<=1.4", "1.4"))
            #expect(try matches(">1.4", "1.10"))
            #expect(try !matches(">1.4", "1.4"))
            #expect(try matches(">=2.0", "2.0"))
            #expect(try matches(">=2.0", "v2.0.1"))
            #expect(try matches("==1.2.3", "1.2.3"))
            #expect(try matches("==1.2.3", "v1.02.3"))
            #expect(try !matches("==1.2.3", "1.2.3.0"))
            #expect(try matches("!=1.3", "1.4"))
            #expect(try !matches("!=1.3", "1.3"))
        }

        @Test("commas join comparisons that must all hold; spaces are allowed")
        func combined() throws {
            #expect(try matches(">=1.0,<2.0", "1.5"))
            #expect(try !matches(">=1.0,<2.0", "2.0"))
            #expect(try !matches(">=1.0,<2.0", "0.9"))
            #expect(try matches(" >= 1.0 , < 2.0 ", "1.0"))
            #expect(try VersionConstraint(">=1.0,<2.0,!=1.5").clauses.count == 3)
        }

        @Test("tags that are not versions never match, nor incomparable ones")
        func nonVersions() throws {
            for c in ["<1.4", ">0", "!=1.0", ">=0.0"] {
                #expect(try !matches(c, "latest"), "\(c)")
                #expect(try !matches(c, "main"), "\(c)")
            }
            #expect(try !matches(">=1.2.0", "1.2-rc1"))
            #expect(try !matches("<1.2.0", "1.2-rc1"))
            #expect(try matches(">1.2.0", "1.2.0-rc1"))  // LooseVersion: an extension is greater
        }

        @Test("malformed comparisons name the text and the fix")
        func errors() {
            for text in ["<", "<latest", "=1.0", ">=1.0,", "<1.0,,>0", "~1.0"] {
                #expect(throws: SelectionError.self, "\(text)") { try VersionConstraint(text) }
            }
            do {
                _ = try VersionConstraint("=1.0")
            } catch {
                #expect(error.description.contains("write == for equality"))
            }
        }

        @Test("what looks like a comparison in --tag")
        func detection() throws {
            #expect(VersionConstraint.looksLikeConstraint("<1"))
            #expect(VersionConstraint.looksLikeConstraint("==1"))
            #expect(VersionConstraint.looksLikeConstraint("!=1"))
            #expect(!VersionConstraint.looksLikeConstraint("1.*"))
            #expect(!VersionConstraint.looksLikeConstraint("[!a]*"))
            if case .versions = try TagPattern(">1") {} else { Issue.record("expected versions") }
            if case .glob = try TagPattern("1.*") {} else { Issue.record("expected a glob") }
        }
    }
}
