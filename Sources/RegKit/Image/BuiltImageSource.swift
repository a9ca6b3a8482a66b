public import Foundation

/// Images made in memory by ``ImageBuilder`` as an image source: reg-seed's content,
/// reg-rm's placeholder and the probe image are pushed through the copier like any image.
public struct BuiltImageSource: ImageSource {
    public let image: ImageBuilder.Image
    /// The reference the top manifest answers to besides its digest.
    public let tag: String

    public init(_ image: ImageBuilder.Image, tag: String = "latest") {
        self.image = image
        self.tag = tag
    }

    public var name: String { "generated" }

    private func bytes(_ reference: String) -> (type: String, data: Data)? {
        if reference == tag || reference == image.digest.description { return (image.mediaType, image.manifest) }
        return image.children.first { Digest(of: $0.data).description == reference }.map { ($0.mediaType, $0.data) }
    }

    public func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await manifest(repo, reference: reference).head
    }

    public func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        guard let (type, data) = bytes(reference) else {
            throw RegistryError.notFound(what: "generated image \(reference)", code: nil)
        }
        let head = ManifestHead(digest: Digest(of: data), mediaType: type, size: Int64(data.count))
        return ImageNode(head: head, bytes: data, manifest: try Manifest.parse(data, reference: reference))
    }

    public func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        let data = try blobData(digest)
        guard await sink.writeAll(data) else {
            throw RegistryError.unexpected(what: "generated blob \(digest)", status: 0, message: "the sink refused it")
        }
        return Int64(data.count)
    }

    public func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        DataSource(try blobData(descriptor.digest))
    }

    private func blobData(_ digest: Digest) throws -> Data {
        guard let data = image.blobs.first(where: { $0.descriptor.digest == digest })?.data else {
            throw RegistryError.notFound(what: "generated blob \(digest)", code: nil)
        }
        return data
    }
}
