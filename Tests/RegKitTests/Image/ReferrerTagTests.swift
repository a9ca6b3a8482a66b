import Testing

@testable import RegKit

@Suite("ReferrerTag: tags that attach artifacts to an image")
struct ReferrerTagTests {
    static let digest = Digest("sha256:" + String(repeating: "ab", count: 32))!

    @Test("cosign's .sig, .att, .sbom and the OCI fallback tag name their subject")
    func subjects() {
        for tag in ReferrerTag.tags(for: Self.digest) {
            #expect(ReferrerTag.subject(of: tag) == Self.digest, "\(tag)")
        }
        #expect(ReferrerTag.tags(for: Self.digest).first == "sha256-" + String(repeating: "ab", count: 32))
    }

    @Test("ordinary tags and near misses are not attached to anything")
    func ordinary() {
        let hex = String(repeating: "ab", count: 32)
        for tag in [
            "latest", "1.0", "sha256-", "sha256-\(hex).sig2", "sha256-\(hex)x", "sha256-\(hex.uppercased()).sig",
            "sha256-\(hex.dropLast()).sig", "sha512-\(hex).sig",
        ] {
            #expect(ReferrerTag.subject(of: tag) == nil, "\(tag)")
        }
    }
}
