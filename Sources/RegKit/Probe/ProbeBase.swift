import Foundation

/// `--base`: the image the probe image is built on, so that a cycle also moves large existing
/// blobs (mounted from the base's repository when it is on the probed registry). Read once, at
/// the first cycle that needs it, and kept.
public actor ProbeBase {
    public nonisolated let reference: ImageReference
    /// Where the base's blobs are read from.
    nonisolated let store: RegistryStore
    private var resolved: ImageBuilder.BaseLayers?

    public init(reference: ImageReference, client: RegistryClient) {
        self.reference = reference
        self.store = RegistryStore(registry: reference.registry, client: client)
    }

    /// The repository of the base image.
    nonisolated var repo: String { reference.repo ?? "" }

    /// The base's layers and platform: of its image manifest, or of the index's linux/amd64
    /// image (else its first platform's).
    /// - Throws: what the registry throws, and ``ProbeError/unusableBase(reference:reason:)``.
    func layers() async throws -> ImageBuilder.BaseLayers {
        if let resolved { return resolved }
        var node = try await store.manifest(repo, reference: reference.manifestReference ?? "latest")
        if node.isIndex {
            let entries = node.manifest.platformEntries
            let amd64 = entries.first { $0.platform?.os == "linux" && $0.platform?.architecture == "amd64" }
            guard let entry = amd64 ?? entries.first else { throw unusable("the index lists no platform image") }
            node = try await store.manifest(repo, reference: entry.digest.description)
        }
        guard let configDescriptor = node.manifest.config, let layers = node.manifest.layers, !node.isIndex else {
            throw unusable("not an image manifest with a config and layers")
        }
        let data = try await store.blobData(repo, digest: configDescriptor.digest, size: configDescriptor.size)
        guard let config = try? JSONDecoder().decode(ImageConfig.self, from: data) else {
            throw unusable("its config \(configDescriptor.digest) is not an image config")
        }
        let diffIDs = (config.rootfs?.diffIDs ?? []).compactMap(Digest.init)
        guard diffIDs.count == layers.count, let os = config.os, let architecture = config.architecture else {
            throw unusable("its config names \(diffIDs.count) layer digests for \(layers.count) layers, or no platform")
        }
        let base = ImageBuilder.BaseLayers(
            layers: layers, diffIDs: diffIDs, platform: Platform(os: os, architecture: architecture, variant: config.variant))
        resolved = base
        return base
    }

    private func unusable(_ reason: String) -> ProbeError {
        .unusableBase(reference: reference.description, reason: reason)
    }
}
