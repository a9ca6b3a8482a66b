public import Foundation

/// One manifest of an image as read from a source: its descriptor, its exact bytes (the
/// digest covers them, so they are what a copy writes) and what they say.
public struct ImageNode: Sendable {
    /// Digest, media type (from the content when the source's was generic) and size.
    public let head: ManifestHead
    /// The bytes as the source served them, checked against ``head``'s digest.
    public let bytes: Data
    public let manifest: Manifest

    public init(head: ManifestHead, bytes: Data, manifest: Manifest) {
        self.head = head
        self.bytes = bytes
        self.manifest = manifest
    }

    public var digest: Digest { head.digest }

    /// True for an index (a list of manifests, one per platform and attestations).
    public var isIndex: Bool { MediaType.isIndex(head.mediaType) }

    /// The manifests an index lists, every entry (attestations included); none for an image.
    public var children: [Descriptor] { isIndex ? manifest.manifests ?? [] : [] }

    /// The blobs an image manifest names: its config, then its layers; none for an index.
    public var blobs: [Descriptor] {
        guard !isIndex else { return [] }
        return (manifest.config.map { [$0] } ?? []) + (manifest.layers ?? [])
    }
}
