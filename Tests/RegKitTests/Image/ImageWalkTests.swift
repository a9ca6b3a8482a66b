import Foundation
import Testing

@testable import RegKit

@Suite("ImageWalk: one walk over an image's graph")
struct ImageWalkTests {
    static let oci = MediaType.ociManifest
    static let ociIndex = MediaType.ociIndex

    @Test("an index with an attestation child: every child read, each blob once, children first")
    func indexWithAttestation() async throws {
        let (a, aBlobs) = TestImages.image("amd64")
        let (b, bBlobs) = TestImages.image("arm64")
        let (att, attBlobs) = TestImages.image("attestation")
        let index = TestImages.index([(Self.oci, a), (Self.oci, b), (Self.oci, att)])
        let source = MemorySource(
            manifests: ["1.0": (Self.ociIndex, index), "a": (Self.oci, a), "b": (Self.oci, b), "att": (Self.oci, att)],
            blobs: aBlobs + bBlobs + attBlobs)
        let graph = try await ImageWalk(source: source).graph("app", reference: "1.0")
        #expect(graph.root.digest == Digest(of: index))
        #expect(graph.descendantDigests == [a, b, att].map { Digest(of: $0) })
        #expect(graph.manifests.map(\.digest) == [a, b, att, index].map { Digest(of: $0) })
        // Two layers each, one of them shared by all three images: 3 configs + 3 layers + 1 shared.
        #expect(graph.blobs.count == 7)
        #expect(Set(graph.blobs.map(\.digest)).count == 7)
    }

    @Test("an index of indexes: every manifest below, to any depth; reach .indexes reads only the indexes")
    func nested() async throws {
        let (a, _) = TestImages.image("a")
        let (b, _) = TestImages.image("b")
        let inner = TestImages.index([(Self.oci, a), (Self.oci, b)])
        let outer = TestImages.index([(Self.ociIndex, inner)])
        let manifests = ["outer": (Self.ociIndex, outer), "x": (Self.ociIndex, inner), "a": (Self.oci, a), "b": (Self.oci, b)]

        let everything = MemorySource(manifests: manifests)
        let full = try await ImageWalk(source: everything).graph("app", reference: "outer")
        #expect(full.descendantDigests == [inner, a, b].map { Digest(of: $0) })
        #expect(full.manifests.map(\.digest) == [a, b, inner, outer].map { Digest(of: $0) })

        let indexesOnly = MemorySource(manifests: manifests)
        let light = try await ImageWalk(source: indexesOnly).graph("app", reference: "outer", reach: .indexes)
        #expect(light.descendantDigests == [inner, a, b].map { Digest(of: $0) })
        #expect(indexesOnly.read == ["outer", Digest(of: inner).description])
    }

    @Test("two indexes sharing a child: the child comes before both")
    func diamond() async throws {
        let (a, _) = TestImages.image("a")
        let inner = TestImages.index([(Self.oci, a)])
        let outer = TestImages.index([(Self.ociIndex, inner), (Self.oci, a)])
        let source = MemorySource(manifests: ["outer": (Self.ociIndex, outer), "i": (Self.ociIndex, inner), "a": (Self.oci, a)])
        let graph = try await ImageWalk(source: source).graph("app", reference: "outer")
        #expect(graph.manifests.map(\.digest) == [a, inner, outer].map { Digest(of: $0) })
    }

    @Test("indexes nested deeper than the bound are an error, not a silent cut")
    func tooDeep() async throws {
        let (leaf, _) = TestImages.image("leaf")
        var manifests: [String: (type: String, bytes: Data)] = ["leaf": (Self.oci, leaf)]
        var current = (type: Self.oci, bytes: leaf)
        for level in 0...ImageWalk.maxDepth {
            let index = TestImages.index([current])
            manifests["level\(level)"] = (Self.ociIndex, index)
            current = (Self.ociIndex, index)
        }
        let source = MemorySource(manifests: manifests)
        await #expect(throws: RegistryError.self) {
            try await ImageWalk(source: source).graph("app", reference: "level\(ImageWalk.maxDepth)")
        }
        let ok = try await ImageWalk(source: source).graph("app", reference: "level\(ImageWalk.maxDepth - 1)")
        #expect(ok.descendantDigests.count == ImageWalk.maxDepth)
    }

    @Test("a child that is missing fails the walk: the image is not whole")
    func missingChild() async throws {
        let (a, _) = TestImages.image("a")
        let index = TestImages.index([(Self.oci, a)])
        let source = MemorySource(manifests: ["1.0": (Self.ociIndex, index)])
        await #expect(throws: RegistryError.self) { try await ImageWalk(source: source).graph("app", reference: "1.0") }
    }

    @Test("a hostile digest in a manifest does not parse, and the error names the field")
    func hostileDigest() throws {
        let body = Data(
            #"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:../../etc/passwd","size":1}]}"#.utf8)
        do {
            _ = try Manifest.parse(body, reference: "r/app:1.0")
            Issue.record("parsed a hostile digest")
        } catch let error as RegistryError {
            #expect("\(error)".contains("manifests.0.digest"), "\(error)")
            #expect("\(error)".contains("r/app:1.0"))
        }
    }

    @Test("the type comes from the content when a registry says application/json")
    func inferredType() throws {
        let (a, _) = TestImages.image("a")
        var untyped = String(decoding: TestImages.index([(Self.oci, a)]), as: UTF8.self)
        untyped = untyped.replacingOccurrences(of: #""mediaType":"\#(Self.ociIndex)","#, with: "")
        #expect(try Manifest.parse(Data(untyped.utf8), reference: "x").inferredMediaType == Self.ociIndex)
        #expect(try Manifest.parse(a, reference: "x").inferredMediaType == Self.oci)
    }
}
