import Testing

@testable import RegKit

@Suite("reg-diff inventory")
struct DiffInventoryTests {
    static let index = "sha256:" + String(repeating: "1", count: 64)
    static let amd64 = "sha256:" + String(repeating: "a", count: 64)
    static let arm64 = "sha256:" + String(repeating: "b", count: 64)

    static func record(_ line: String) throws -> Record { try Record(line: line) }

    @Test("the records of reg-manifest --expand are one tag, by its index digest, without the platform's fields")
    func expandedRecords() throws {
        let records = try [
            Self.record(
                #"{"registry":"r","repo":"app","tag":"1.0","platform":"linux/amd64","index":"\#(Self.index)","digest":"\#(Self.amd64)","mediaType":"m","size":401,"note":"kept"}"#
            ),
            Self.record(
                #"{"registry":"r","repo":"app","tag":"1.0","platform":"linux/arm64/v8","index":"\#(Self.index)","digest":"\#(Self.arm64)","mediaType":"m","size":402}"#
            ),
            Self.record(#"{"registry":"r","repo":"app","tag":"2.0","digest":"\#(Self.amd64)","mediaType":"m"}"#),
        ]
        let inventories = Inventory.group(records, declaredWhole: false)
        let tags = try #require(inventories.first?.repositories.first?.tags)
        #expect(tags.map(\.name) == ["1.0", "2.0"])
        #expect(tags.map(\.digest) == [Self.index, Self.amd64])
        let image = tags[0].record
        #expect(image.platform == nil && image.index == nil && image.mediaType == nil && image.size == nil)
        #expect(image["note"] == .string("kept"))
        #expect(tags[1].record.mediaType == "m", "a record of a whole image keeps its fields")
    }

    @Test("a platform record without index leaves the tag's digest to be fetched; a later record that has it gives it")
    func platformWithoutIndex() throws {
        let records = try [
            Self.record(#"{"registry":"r","repo":"app","tag":"1.0","platform":"linux/amd64","digest":"\#(Self.amd64)"}"#),
            Self.record(#"{"registry":"r","repo":"app","tag":"1.0"}"#),
        ]
        let first = Inventory.group(records, declaredWhole: false)
        #expect(first.first?.repositories.first?.tags?.map(\.digest) == [nil])
        let later = Inventory.group(
            records + [try Self.record(#"{"registry":"r","repo":"app","tag":"1.0","digest":"\#(Self.index)"}"#)],
            declaredWhole: false)
        #expect(later.first?.repositories.first?.tags?.map(\.digest) == [Self.index])
    }

    @Test("a snapshot of expanded records knows each tag by its index digest")
    func expandedSnapshot() async throws {
        let snapshot = SnapshotTarget(
            name: "snap",
            records: try [
                Self.record(
                    #"{"repo":"app","tag":"1.0","platform":"linux/amd64","index":"\#(Self.index)","digest":"\#(Self.amd64)"}"#),
                Self.record(
                    #"{"repo":"app","tag":"1.0","platform":"linux/arm64/v8","index":"\#(Self.index)","digest":"\#(Self.arm64)"}"#),
            ])
        #expect(try await snapshot.tag("1.0", in: "app") == .present(digest: Self.index))
        #expect(try await snapshot.repository("app") == .present(tags: ["1.0"]))
    }

    @Test("the repositories that records with error name are known as failed, per registry, and hold no tag")
    func failedRecords() throws {
        let records = try [
            Self.record(#"{"registry":"r","repo":"app","tag":"1.0"}"#),
            Self.record(#"{"registry":"r","repo":"app","tag":"2.0","error":"manifest unknown"}"#),
            Self.record(#"{"registry":"r","repo":"lost","error":"tags failed"}"#),
            Self.record(#"{"registry":"s","repo":"other"}"#),
        ]
        let inventories = Inventory.group(records, declaredWhole: false)
        #expect(inventories.map(\.registry) == ["r", "s"])
        #expect(inventories[0].failed == ["app", "lost"])
        #expect(inventories[0].repositories.map(\.name) == ["app"])
        #expect(inventories[0].repositories[0].tags?.map(\.name) == ["1.0"])
        #expect(inventories[1].failed.isEmpty)
    }
}
