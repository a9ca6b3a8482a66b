import Testing

@testable import RegKit

extension SelectionTests {
    @Suite("Exclusion")
    struct ExclusionTests {
        func excludes(_ pattern: String, _ repo: String?, _ tag: String?) throws -> Bool {
            try Exclusion(pattern).excludes(repo: repo, tag: tag)
        }

        @Test("no / and no :: the tag, as a glob or a comparison")
        func tag() throws {
            #expect(try excludes("latest", "team/app", "latest"))
            #expect(try !excludes("latest", "team/app", "1.0"))
            #expect(try excludes("*-rc*", "any/thing", "1.0-rc1"))
            #expect(try excludes("<1.0", "x", "0.9"))
            #expect(try !excludes("<1.0", "x", "latest"))
            #expect(try !excludes("latest", "team/app", nil))
        }

        @Test("a /: the repository, as a glob")
        func repository() throws {
            #expect(try excludes("team/*", "team/app", "1.0"))
            #expect(try excludes("team/*", "team/app", nil))
            #expect(try !excludes("team/*", "team/app/web", "1.0"))
            #expect(try excludes("team/**", "team/app/web", "1.0"))
        }

        @Test("a :: REPO:TAG, both must match")
        func repoAndTag() throws {
            #expect(try excludes("team/app:latest", "team/app", "latest"))
            #expect(try !excludes("team/app:latest", "team/web", "latest"))
            #expect(try !excludes("team/app:latest", "team/app", "1.0"))
            #expect(try excludes("busybox:*", "busybox", "1.36"))
            #expect(try excludes("team/*:<2", "team/app", "1.9"))
            #expect(try !excludes("team/*:<2", "team/app", "2.1"))
            #expect(try !excludes("team/app:latest", "team/app", nil))
        }

        @Test("an empty side of : is an error that shows what to write")
        func errors() {
            do {
                _ = try Exclusion(":latest")
                Issue.record("expected an error")
            } catch {
                #expect(error.description.contains("write 'latest'"))
            }
            #expect(throws: SelectionError.self) { try Exclusion("team/app:") }
            // A registry in the pattern would leave a tag part with a slash, which no tag has.
            #expect(throws: SelectionError.self) { try Exclusion("reg.example:5000/team/app:latest") }
            #expect(throws: SelectionError.self) { try TagPattern("team/app") }
            #expect(throws: SelectionError.self) { try TagPattern("app:1.0") }
        }
    }
}
