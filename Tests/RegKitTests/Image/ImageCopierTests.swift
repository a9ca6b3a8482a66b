import Foundation
import Testing

@testable import RegKit

@Suite("ImageCopier over in-memory stores")
struct ImageCopierTests {
    static let oci = MediaType.ociManifest
    static let ociIndex = MediaType.ociIndex

    /// `app:1.0`, an index of two platform images and an attestation; `app:2.0`, a single image.
    /// Every image shares one layer.
    static func source() -> (MemorySource, index: Data, single: Data) {
        let (a, aBlobs) = TestImages.image("amd64")
        let (b, bBlobs) = TestImages.image("arm64")
        let (att, attBlobs) = TestImages.image("attestation")
        let (single, singleBlobs) = TestImages.image("single")
        let index = TestImages.index([(oci, a), (oci, b), (oci, att)])
        let source = MemorySource(
            manifests: ["1.0": (ociIndex, index), "2.0": (oci, single), "a": (oci, a), "b": (oci, b), "att": (oci, att)],
            blobs: aBlobs + bBlobs + attBlobs + singleBlobs)
        return (source, index, single)
    }

    @Test("an index with an attestation: every child and blob, children before the index, the tag last")
    func wholeIndex() async throws {
        let (source, index, _) = Self.source()
        let target = MemoryTarget()
        let outcome = try await ImageCopier(target: target).copy(
            from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        #expect(outcome.status == .copied)
        #expect(outcome.digest == Digest(of: index))
        #expect(outcome.blobsCopied == 7 && outcome.blobsMounted == 0 && outcome.blobsSkipped == 0)
        let log = target.log
        #expect(log.last == "manifest dst 1.0")
        #expect(log.filter { $0.hasPrefix("manifest") }.count == 4)
        #expect(log.prefix(7).allSatisfy { $0.hasPrefix("blob dst") }, "\(log)")
        #expect(try await target.manifestDigest("dst", reference: "1.0") == Digest(of: index))
    }

    @Test("a copy into the discarding target reads and checks every blob and manifest, and keeps none")
    func discard() async throws {
        let (source, index, _) = Self.source()
        let copier = ImageCopier(target: DiscardTarget())
        for _ in 0..<2 {
            let outcome = try await copier.copy(from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
            #expect(outcome.status == .copied, "nothing is ever there")
            #expect(outcome.digest == Digest(of: index))
        }
        let first = try await ImageCopier(target: DiscardTarget()).copy(
            from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        #expect(first.blobsCopied == 7 && first.bytes > 0)

        // A blob whose bytes are not what its descriptor says is an error, not a pull that passed.
        let forged = ForgedBlobs(source)
        await #expect(throws: RegistryError.self) {
            try await ImageCopier(target: DiscardTarget()).copy(
                from: forged, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        }
    }

    @Test("a second copy to a tag that has the digest writes nothing")
    func exists() async throws {
        let (source, _, _) = Self.source()
        let target = MemoryTarget()
        let copier = ImageCopier(target: target)
        try await copier.copy(from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        let writes = target.log.count
        let again = try await ImageCopier(target: target).copy(from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        #expect(again.status == .exists)
        #expect(target.log.count == writes)
    }

    @Test("a blob shared by two images is sent once, even when both copy at the same time")
    func sharedBlobOnce() async throws {
        let (source, _, _) = Self.source()
        let target = MemoryTarget()
        let copier = ImageCopier(target: target)
        async let first = copier.copy(from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        async let second = copier.copy(from: source, repo: "app", reference: "2.0", to: "dst", tag: "2.0")
        let (x, y) = try await (first, second)
        let sent = target.log.filter { $0.hasPrefix("blob ") }
        #expect(sent.count == Set(sent).count, "a blob sent twice: \(sent)")
        #expect(sent.count == 9)  // 4 configs, 4 own layers, 1 shared
        #expect(x.blobsCopied + y.blobsCopied == 9 && x.blobsSkipped + y.blobsSkipped == 1)
    }

    @Test("a blob the run put in another repository is mounted, not sent again")
    func mountAcrossRepositories() async throws {
        let (source, _, _) = Self.source()
        let target = MemoryTarget()
        let copier = ImageCopier(target: target)
        try await copier.copy(from: source, repo: "app", reference: "2.0", to: "one", tag: "2.0")
        let outcome = try await copier.copy(from: source, repo: "app", reference: "2.0", to: "two", tag: "2.0")
        #expect(outcome.blobsMounted == 3 && outcome.blobsCopied == 0, "\(outcome)")
        #expect(target.log.filter { $0.hasPrefix("mount two") }.count == 3)
    }

    @Test("a copy by digest writes no tag")
    func byDigest() async throws {
        let (source, _, single) = Self.source()
        let target = MemoryTarget()
        let digest = Digest(of: single).description
        try await ImageCopier(target: target).copy(from: source, repo: "app", reference: digest, to: "dst", tag: nil)
        #expect(target.log.last == "manifest dst @\(Digest(of: single).hex.prefix(6))")
    }

    @Test("a source missing a blob fails the copy and tags nothing")
    func missingBlob() async throws {
        let (a, blobs) = TestImages.image("a")
        let source = MemorySource(manifests: ["1.0": (Self.oci, a)], blobs: Array(blobs.dropLast()))
        let target = MemoryTarget()
        await #expect(throws: RegistryError.self) {
            try await ImageCopier(target: target).copy(from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        }
        #expect(!target.log.contains { $0.hasPrefix("manifest") })
    }
}

/// A source whose manifests are right and whose every blob body is other bytes.
private struct ForgedBlobs: ImageSource {
    let base: MemorySource
    init(_ base: MemorySource) { self.base = base }

    var name: String { "forged" }
    func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await base.head(repo, reference: reference)
    }
    func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        try await base.manifest(repo, reference: reference)
    }
    func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        Issue.record("the copier reads bodies through blobBody")
        return 0
    }
    func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        DataSource(Data(repeating: 0x78, count: Int(descriptor.size)))
    }
}
