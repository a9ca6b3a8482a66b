import Foundation
import Testing

@testable import RegKit

@Suite("Platform subsets of an index")
struct PlatformSubsetTests {
    static let oci = MediaType.ociManifest

    /// An index of linux/arch0, linux/arch1, linux/arch2 and an attestation of arch1.
    static func source() -> (MemorySource, index: Data, children: [Data]) {
        let children = ["zero", "one", "two"].map { TestImages.image($0) }
        let (attestation, attestationBlobs) = TestImages.image("attestation of one")
        var index =
            try! JSONSerialization.jsonObject(with: TestImages.index(children.map { (oci, $0.manifest) })) as! [String: Any]
        var entries = index["manifests"] as! [[String: Any]]
        entries.append([
            "mediaType": oci, "digest": Digest(of: attestation).description, "size": attestation.count,
            "platform": ["os": "unknown", "architecture": "unknown"],
            "annotations": ["vnd.docker.reference.digest": Digest(of: children[1].manifest).description],
        ])
        index["manifests"] = entries
        index["annotations"] = ["org.opencontainers.image.source": "https://example.com/app"]
        let bytes = try! JSONSerialization.data(withJSONObject: index)
        let source = MemorySource(
            manifests: ["1.0": (MediaType.ociIndex, bytes)]
                .merging(children.enumerated().map { ("c\($0.offset)", (oci, $0.element.manifest)) }) { a, _ in a }
                .merging(["att": (oci, attestation)]) { a, _ in a },
            blobs: children.flatMap(\.blobs) + attestationBlobs)
        return (source, bytes, children.map(\.manifest))
    }

    @Test("os/arch[/variant] parses; a pattern without a variant takes every variant")
    func parsing() {
        #expect(Platform(parsing: "linux/arm64/v8") == Platform(os: "linux", architecture: "arm64", variant: "v8"))
        #expect(Platform(parsing: "linux") == nil)
        #expect(Platform(parsing: "linux//v8") == nil)
        #expect(Platform(parsing: "a/b/c/d") == nil)
        let arm = Platform(os: "linux", architecture: "arm")
        #expect(arm.matches(Platform(os: "linux", architecture: "arm", variant: "v7")))
        #expect(!Platform(parsing: "linux/arm/v6")!.matches(Platform(os: "linux", architecture: "arm", variant: "v7")))
    }

    @Test("one platform: the copy's top manifest is that platform's, and the tag points at it")
    func one() async throws {
        let (source, index, children) = Self.source()
        let target = MemoryTarget()
        let outcome = try await ImageCopier(target: target).copy(
            from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0",
            platforms: [Platform(os: "linux", architecture: "arch2")])
        #expect(outcome.digest == Digest(of: children[2]))
        #expect(outcome.sourceDigest == Digest(of: index))
        #expect(outcome.blobsCopied == 3)
        #expect(try await target.manifestDigest("dst", reference: "1.0") == Digest(of: children[2]))
    }

    @Test("two platforms: a new index of them and the attestation of one, other fields kept; a second copy exists")
    func two() async throws {
        let (source, index, children) = Self.source()
        let target = MemoryTarget()
        let copier = ImageCopier(target: target)
        let wanted = [Platform(os: "linux", architecture: "arch0"), Platform(os: "linux", architecture: "arch1")]
        let outcome = try await copier.copy(
            from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0", known: Digest(of: index), platforms: wanted)
        #expect(outcome.digest != Digest(of: index) && outcome.sourceDigest == Digest(of: index))
        let node = try await ImageWalk(source: source).graph("app", reference: "1.0").selecting(wanted, name: "app")
        let kept = node.root.children.map(\.digest)
        #expect(kept.count == 3)
        #expect(kept.prefix(2) == [Digest(of: children[0]), Digest(of: children[1])])
        #expect(node.root.digest == outcome.digest)
        let object = try JSONSerialization.jsonObject(with: node.root.bytes) as! [String: Any]
        #expect((object["annotations"] as? [String: String])?["org.opencontainers.image.source"] == "https://example.com/app")
        #expect(try await target.manifestDigest("dst", reference: "1.0") == outcome.digest)
        #expect(try await target.manifestDigest("dst", reference: Digest(of: children[2]).description) == nil)

        let again = try await copier.copy(
            from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0", known: Digest(of: index), platforms: wanted)
        #expect(again.status == .exists && again.digest == outcome.digest)
    }

    @Test("a platform the index lacks is an error naming what it has")
    func missing() async throws {
        let (source, _, _) = Self.source()
        await #expect(throws: PlatformError.self) {
            try await ImageCopier(target: MemoryTarget()).copy(
                from: source, repo: "app", reference: "1.0", to: "dst", tag: "1.0",
                platforms: [Platform(os: "windows", architecture: "amd64")])
        }
        let error = PlatformError.noMatch(image: "r/app@x", wanted: ["windows/amd64"], available: ["linux/arch0"])
        #expect(error.description == "r/app@x: no platform windows/amd64 (it has linux/arch0)")
    }
}
