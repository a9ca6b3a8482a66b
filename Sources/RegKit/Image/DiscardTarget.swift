public import Foundation

/// A target that keeps nothing: it reads every blob and manifest a copy sends, checks each
/// against its digest and size, and drops it. A pull that verifies (reg-probe's), or a copy
/// measured without a destination's cost.
public struct DiscardTarget: ImageTarget {
    public init() {}

    public var name: String { "discard" }

    /// Nothing is ever there, so every manifest and blob is read.
    public func manifestDigest(_ repo: String, reference: String) async throws -> Digest? { nil }

    public func hasBlob(_ repo: String, digest: Digest) async throws -> Bool { false }

    public func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        // The same checks as a download's: digest and size.
        let what = "\(repo)@\(descriptor.digest)"
        return .written(
            try await BlobFeed.check(try await body(), descriptor.digest, size: descriptor.size, what: what, into: nil))
    }

    public func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        if let expected = Digest(reference), Digest(of: bytes) != expected {
            throw RegistryError.digestMismatch(
                what: "\(repo)@\(reference)", expected: expected.description, actual: Digest(of: bytes).description)
        }
    }

    /// Nothing is kept, so there is nothing to list.
    public func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {}
}
