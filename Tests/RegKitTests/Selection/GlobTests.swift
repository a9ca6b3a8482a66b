import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("Glob")
    struct GlobTests {
        func matches(_ pattern: String, _ text: String) throws -> Bool { try Glob(pattern).matches(text) }

        @Test("a pattern without special characters is an exact name")
        func literal() throws {
            #expect(try Glob("team/app").isLiteral)
            #expect(try matches("team/app", "team/app"))
            #expect(try !matches("team/app", "team/app2"))
            #expect(try !matches("team/app", "team"))
            #expect(try matches("", ""))
        }

        @Test("* matches within one segment")
        func star() throws {
            #expect(try matches("team/*", "team/app"))
            #expect(try matches("team/*", "team/"))
            #expect(try !matches("team/*", "team/app/web"))
            #expect(try !matches("team/*", "teams/app"))
            #expect(try matches("*-rc*", "1.2.0-rc1"))
            #expect(try !matches("*-rc*", "1.2.0"))
            #expect(try matches("team*/*", "team-a/app"))
            #expect(try matches("*", "latest"))
            #expect(try !matches("*", "a/b"))
            #expect(try matches("a*b*c", "aXXbYYc"))
            #expect(try !matches("a*b*c", "aXXbYY"))
        }

        @Test("** crosses slashes, and **/ may match no segment")
        func globstar() throws {
            #expect(try matches("team/**", "team/app"))
            #expect(try matches("team/**", "team/app/web/assets"))
            #expect(try !matches("team/**", "team"))
            #expect(try !matches("team/**", "other/app"))
            #expect(try matches("**", "a/b/c"))
            #expect(try matches("**/app", "app"))
            #expect(try matches("**/app", "x/y/app"))
            #expect(try !matches("**/app", "x/yapp"))
            #expect(try matches("team/**/app", "team/app"))
            #expect(try matches("team/**/app", "team/a/b/app"))
            #expect(try !matches("team/**/app", "team/a/b/ap"))
            #expect(try !matches("team/**/app", "team/xapp"))
            #expect(try !matches("team/**/app", "team/a/xapp"))
            #expect(try matches("**/a*", "x/ab"))
            #expect(try matches("a/**/**/b", "a/b"))
            #expect(try matches("a/**/**/b", "a/x/y/b"))
            #expect(try matches("team*/**", "team-a/svc/sub"))
            #expect(try matches("a/**b", "a/x/yb"))
        }

        @Test("? matches one character other than /, multi-byte ones included")
        func question() throws {
            #expect(try matches("v?", "v1"))
            #expect(try !matches("v?", "v12"))
            #expect(try !matches("a?b", "a/b"))
            #expect(try matches("caf?", "café"))
            #expect(try matches("?-?", "é-ü"))
        }

        @Test("[...] sets, ranges, negation; never /")
        func sets() throws {
            #expect(try matches("[0-9]*", "1.2"))
            #expect(try !matches("[0-9]*", "v1.2"))
            #expect(try matches("[!0-9]*", "v1.2"))
            #expect(try matches("[^0-9]*", "v1.2"))
            #expect(try matches("app[abc]", "appb"))
            #expect(try !matches("app[abc]", "appd"))
            #expect(try matches("[]]", "]"))
            #expect(try matches("[a-]", "-"))
            #expect(try !matches("a[!x]b", "a/b"))
            #expect(try matches("[é]", "é"))
        }

        @Test("\\ quotes the next character")
        func escapes() throws {
            #expect(try matches(#"a\*"#, "a*"))
            #expect(try !matches(#"a\*"#, "ab"))
            #expect(try matches(#"\[x\]"#, "[x]"))
            #expect(try matches(#"[\]]"#, "]"))
        }

        @Test("unclosed sets, trailing backslashes and reversed ranges are errors that say what to write")
        func errors() {
            #expect(throws: SelectionError.self) { try Glob("team/[ab") }
            #expect(throws: SelectionError.self) { try Glob("app\\") }
            #expect(throws: SelectionError.self) { try Glob("[z-a]") }
            do {
                _ = try Glob("[ab")
            } catch {
                #expect(error.description.contains("write \\[ for a literal ["))
            }
        }

        @Test("many stars do not backtrack exponentially; long patterns work")
        func pathological() throws {
            let text = String(repeating: "a", count: 200)
            #expect(try !matches(String(repeating: "*a", count: 30) + "b", text))
            let long = String(repeating: "x", count: 150) + "*"
            #expect(try matches(long, String(repeating: "x", count: 160)))
            #expect(try !matches(long, String(repeating: "x", count: 149)))
        }
    }
}
