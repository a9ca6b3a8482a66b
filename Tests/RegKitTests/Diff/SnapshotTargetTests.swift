import Testing

@testable import RegKit

@Suite("reg-diff snapshot")
struct SnapshotTargetTests {
    static let one = "sha256:" + String(repeating: "1", count: 64)

    static func snapshot(_ lines: [String]) throws -> SnapshotTarget {
        SnapshotTarget(name: "snap", records: try lines.map { try Record(line: $0) })
    }

    @Test("a tag saved with and without a digest has the digest, in either order")
    func mixedDigests() async throws {
        let withDigest = #"{"repo":"app","tag":"1.0","digest":"\#(Self.one)"}"#
        let without = #"{"repo":"app","tag":"1.0"}"#
        for lines in [[withDigest, without], [without, withDigest]] {
            let snapshot = try Self.snapshot(lines)
            #expect(try await snapshot.tag("1.0", in: "app") == .present(digest: Self.one))
        }
        let nameOnly = try Self.snapshot([without])
        #expect(try await nameOnly.tag("1.0", in: "app") == .present(digest: nil))
        #expect(try await nameOnly.tag("2.0", in: "app") == .absent)
    }

    @Test("each repository at the level it was saved: alone, with tags, or absent")
    func levels() async throws {
        let snapshot = try Self.snapshot([
            #"{"repo":"bare"}"#, #"{"repo":"app","tag":"2.0"}"#, #"{"repo":"app","tag":"1.0"}"#,
        ])
        #expect(try await snapshot.repository("bare") == .present(tags: nil))
        #expect(try await snapshot.repository("app") == .present(tags: ["1.0", "2.0"]))
        #expect(try await snapshot.repository("other") == .absent)
        #expect(try await snapshot.repositories() == ["bare", "app"])
    }

    @Test("a record with error tells only that what it names was there")
    func errorRecords() async throws {
        let snapshot = try Self.snapshot([
            #"{"repo":"app","tag":"1.0","digest":"\#(Self.one)","error":"manifest unknown"}"#,
            #"{"repo":"app","tag":"2.0"}"#,
            #"{"repo":"lost","error":"tags failed"}"#,
            #"{"repo":"lost","tag":"3.0"}"#,
        ])
        #expect(try await snapshot.tag("1.0", in: "app") == .present(digest: nil))
        #expect(try await snapshot.repository("app") == .present(tags: ["1.0", "2.0"]))
        #expect(try await snapshot.repository("lost") == .present(tags: nil))
    }
}
