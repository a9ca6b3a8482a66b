public import Foundation

/// The probe image as an image source: its manifest, config and new layer from memory
/// (``BuiltImageSource``), the layers of `--base` from the base's registry. So one copy pushes
/// it, mounting the base layers where the copier can.
struct ProbeSource: ImageSource {
    let built: BuiltImageSource
    /// Where the base layers are; nil without `--base`.
    let base: RegistryStore?

    var name: String { built.name }

    var slot: HostSlots.Claim? { base?.slot }

    private func isBuilt(_ digest: Digest) -> Bool {
        built.image.blobs.contains { $0.descriptor.digest == digest }
    }

    func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await built.head(repo, reference: reference)
    }

    func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        try await built.manifest(repo, reference: reference)
    }

    func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        guard let base, !isBuilt(digest) else { return try await built.blob(repo, digest: digest, size: size, into: sink) }
        return try await base.blob(repo, digest: digest, size: size, into: sink)
    }

    func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        guard let base, !isBuilt(descriptor.digest) else { return try await built.blobBody(repo, descriptor: descriptor) }
        return try await base.blobBody(repo, descriptor: descriptor)
    }
}
