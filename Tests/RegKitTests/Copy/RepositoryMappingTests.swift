import Testing

@testable import RegKit

@Suite("Repository names at the destination")
struct RepositoryMappingTests {
    @Test("strip, then prefix, then rename; names that do not match stay")
    func order() throws {
        let mapping = try RepositoryMapping(stripPrefix: "team/", prefix: "mirror/", rename: #"s/^mirror\/(.*)$/m\/$1/"#)
        #expect(mapping.map("team/app") == "m/app")
        #expect(mapping.map("other/app") == "m/other/app")
        #expect(RepositoryMapping().map("team/app") == "team/app")
    }

    @Test("any delimiter, sed's \\1 and Swift's $1, an escaped delimiter inside a part")
    func syntax() throws {
        #expect(
            try RepositoryMapping(stripPrefix: nil, prefix: nil, rename: "s|team/(.*)|\\1/copy|").map("team/app") == "app/copy")
        #expect(try RepositoryMapping(stripPrefix: nil, prefix: nil, rename: #"s/a\/b/c/"#).map("x/a/b") == "x/c")
        #expect(try RepositoryMapping(stripPrefix: nil, prefix: nil, rename: #"s/\d+/N/"#).map("app123") == "appN")
    }

    @Test("what is not s/REGEX/REPLACEMENT/ is an error saying how to write it")
    func invalid() {
        for text in ["team", "s/a/b", "s/a/b/c", "s//b/", "s/(/x/"] {
            #expect(throws: CopyError.self, "\(text)") {
                try RepositoryMapping(stripPrefix: nil, prefix: nil, rename: text)
            }
        }
    }
}
