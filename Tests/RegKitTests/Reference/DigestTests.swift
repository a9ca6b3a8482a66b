import Foundation
import Testing

@testable import RegKit

@Suite("Digest")
struct DigestTests {
    static let emptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test("parses sha256: and 64 lower-case hex digits")
    func parses() throws {
        let digest = try #require(Digest("sha256:" + DigestTests.emptyHex))
        #expect(digest.hex == DigestTests.emptyHex)
        #expect(digest.description == "sha256:" + DigestTests.emptyHex)
    }

    @Test(
        "refuses other algorithms, upper case, wrong lengths, non-hex",
        arguments: [
            "",
            "sha256:",
            DigestTests.emptyHex,
            "sha512:" + DigestTests.emptyHex,
            "SHA256:" + DigestTests.emptyHex,
            "sha256:" + DigestTests.emptyHex.uppercased(),
            "sha256:" + DigestTests.emptyHex.dropLast(),
            "sha256:" + DigestTests.emptyHex + "0",
            "sha256:" + DigestTests.emptyHex.dropLast() + "g",
            " sha256:" + DigestTests.emptyHex,
            "sha256:" + DigestTests.emptyHex + "\n",
        ])
    func refuses(_ text: String) {
        #expect(Digest(text) == nil)
    }

    @Test("the digest of bytes, from any collection")
    func ofBytes() {
        #expect(Digest(of: [UInt8]()).hex == DigestTests.emptyHex)
        #expect(Digest(of: Data()).hex == DigestTests.emptyHex)
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(Digest(of: Array("abc".utf8)).hex == abc)
        #expect(Digest(of: Data("abc".utf8)).hex == abc)
        #expect(Digest(of: "abc".utf8).hex == abc)
        // A non-contiguous collection goes through a copy and must hash the same.
        #expect(Digest(of: "abc".utf8.reversed().reversed()).hex == abc)
    }

    @Test("equal by value, ordered by hex, usable as a key")
    func comparable() throws {
        let a = try #require(Digest("sha256:" + String(repeating: "a", count: 64)))
        let b = try #require(Digest("sha256:" + String(repeating: "b", count: 64)))
        #expect(a < b)
        #expect(!(b < a))
        #expect(a == Digest("sha256:" + String(repeating: "a", count: 64)))
        #expect(Set([a, b, a]).count == 2)
        #expect([b, a].sorted() == [a, b])
    }
}
