import Foundation
import Testing

@testable import RegKit

@Suite("Referrers: the walk finds them, the copier takes them along")
struct ReferrerWalkTests {
    static let oci = MediaType.ociManifest

    /// `app:1.0` with a cosign signature tag, an OCI fallback index listing an SBOM, a signature
    /// of that SBOM (by its own cosign tag), and an attestation only the referrers API lists.
    struct Fixture {
        let source: MemorySource
        let image: Digest
        let signature: Digest
        let fallback: Digest
        let sbom: Digest
        let sbomSignature: Digest
        let attestation: Digest
    }

    static func fixture(api: Bool) -> Fixture {
        let (image, imageBlobs) = TestImages.image("image")
        let (signature, signatureBlobs) = TestImages.image("signature")
        let (sbom, sbomBlobs) = TestImages.image("sbom")
        let (sbomSignature, sbomSignatureBlobs) = TestImages.image("sbom signature")
        let (attestation, attestationBlobs) = TestImages.image("attestation")
        let fallback = TestImages.index([(oci, sbom)])
        let subject = Digest(of: image)
        let attestationEntry = Descriptor(mediaType: oci, digest: Digest(of: attestation), size: Int64(attestation.count))
        let source = MemorySource(
            manifests: [
                "1.0": (oci, image),
                ReferrerTag.fallback(for: subject) + ".sig": (oci, signature),
                ReferrerTag.fallback(for: subject): (MediaType.ociIndex, fallback),
                ReferrerTag.fallback(for: Digest(of: sbom)) + ".sig": (oci, sbomSignature),
                "sbom": (oci, sbom),
                "attestation": (oci, attestation),
            ],
            blobs: imageBlobs + signatureBlobs + sbomBlobs + sbomSignatureBlobs + attestationBlobs,
            // The API lists the SBOM too (the fallback index has it): it must come once.
            referrers: api
                ? [
                    subject: [
                        attestationEntry, Descriptor(mediaType: oci, digest: Digest(of: sbom), size: Int64(sbom.count)),
                    ]
                ] : nil)
        return Fixture(
            source: source, image: subject, signature: Digest(of: signature), fallback: Digest(of: fallback),
            sbom: Digest(of: sbom), sbomSignature: Digest(of: sbomSignature), attestation: Digest(of: attestation))
    }

    @Test("without an API: the cosign and fallback tags, and a referrer's own referrers")
    func tags() async throws {
        let f = Self.fixture(api: false)
        let found = try await ImageWalk(source: f.source).referrers("app", of: f.image)
        let hex = f.image.hex
        #expect(
            Set(found.map { $0.tag ?? $0.descriptor.digest.description })
                == ["sha256-\(hex).sig", "sha256-\(hex)", "sha256-\(f.sbom.hex).sig"])
        #expect(found.first { $0.tag == "sha256-\(hex)" }?.descriptor.digest == f.fallback)
        #expect(found.first { $0.tag == "sha256-\(f.sbom.hex).sig" }?.subject == f.sbom)
    }

    @Test("with an API: what it lists too, once, and the copier lists it at the target by its subject")
    func api() async throws {
        let f = Self.fixture(api: true)
        let found = try await ImageWalk(source: f.source).referrers("app", of: f.image)
        #expect(found.count == 4, "\(found)")
        #expect(found.filter { $0.tag == nil }.map(\.descriptor.digest) == [f.attestation])

        let target = MemoryTarget()
        let copier = ImageCopier(target: target)
        try await copier.copy(from: f.source, repo: "app", reference: "1.0", to: "dst", tag: "1.0")
        let outcome = try await copier.copyReferrers(found, from: f.source, repo: "app", to: "dst", of: f.image)
        #expect(outcome.status == .copied && outcome.referrers == 4)
        for tag in ["sha256-\(f.image.hex).sig", "sha256-\(f.image.hex)", "sha256-\(f.sbom.hex).sig"] {
            #expect(try await target.manifestDigest("dst", reference: tag) != nil, "\(tag)")
        }
        #expect(try await target.manifestDigest("dst", reference: f.sbom.description) == f.sbom)
        #expect(target.referrers == [f.image: [f.attestation]])
        #expect(target.log.last?.hasPrefix("referrers dst") == true, "listed after the manifests are there")

        // Again: everything is there.
        let again = try await copier.copyReferrers(found, from: f.source, repo: "app", to: "dst", of: f.image)
        #expect(again.status == .exists && again.blobsCopied == 0)
    }

    @Test("an image with nothing attached has no referrers")
    func none() async throws {
        let (image, blobs) = TestImages.image("alone")
        let source = MemorySource(manifests: ["1.0": (Self.oci, image)], blobs: blobs, referrers: [:])
        #expect(try await ImageWalk(source: source).referrers("app", of: Digest(of: image)).isEmpty)
    }
}
