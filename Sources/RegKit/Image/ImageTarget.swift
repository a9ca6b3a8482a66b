public import Foundation

/// Where images are written: a registry today; disk layouts share the seam.
///
/// The copier writes through it in a crash-safe order: blobs, then manifests by digest, the
/// tag last, so a tag never points at content that is not all there.
public protocol ImageTarget: Sendable {
    /// How messages name the target: the registry as written, or a folder.
    var name: String { get }

    /// The request slots writing to the target takes (``HostSlots``); nil when it needs none.
    var slot: HostSlots.Claim? { get }

    /// The digest the tag (or digest) `reference` points at in `repo`, or nil when there is none.
    func manifestDigest(_ repo: String, reference: String) async throws -> Digest?

    /// True when `repo` already holds the blob.
    func hasBlob(_ repo: String, digest: Digest) async throws -> Bool

    /// Writes a blob into `repo`. With `mountFrom` (another repository of this same target that
    /// holds it) the target may link it instead of receiving the bytes; otherwise, or when the
    /// mount is refused, `body` gives the bytes.
    func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite

    /// Stores manifest bytes under `reference`: a digest, or a tag (written last).
    func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws

    /// Makes `referrers` (manifests already put by digest, whose `subject` is `subject`)
    /// findable: a target with a referrers API lists them by their subject itself; any other
    /// lists them in the OCI fallback index (``ReferrerTag/fallback(for:)``), added to what that
    /// index lists already.
    func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws
}

extension ImageTarget {
    public var slot: HostSlots.Claim? { nil }
}

/// How a blob reached the target.
public enum BlobWrite: Sendable, Equatable {
    /// Linked from another repository of the target: no bytes moved.
    case mounted
    /// Sent whole: this many bytes.
    case written(Int64)
}
