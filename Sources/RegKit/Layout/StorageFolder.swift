public import Foundation

/// A registry's storage folder, laid out as the reference registry (distribution) keeps its
/// filesystem driver's tree, so `docker-registry serve` with the folder as its root serves what
/// was written, and what a registry wrote can be read without its API:
///
///     docker/registry/v2/blobs/sha256/<hex[:2]>/<hex>/data                 every blob and manifest
///     docker/registry/v2/repositories/<repo>/_layers/sha256/<hex>/link      blobs of the repository
///     .../_manifests/revisions/sha256/<hex>/link                            its manifests
///     .../_manifests/tags/<tag>/current/link                                where the tag points
///     .../_manifests/tags/<tag>/index/sha256/<hex>/link                     where it ever pointed
///
/// A link file holds `sha256:<64 hex>` and nothing else. Written as the copier writes: blobs
/// (checked, then renamed into place), manifests by digest, the tag's `current` link last.
public struct StorageFolder: ImageStore, ImageTarget {
    public let name: String
    let files: FolderFiles
    let blobs: FolderBlobs

    /// - Parameters:
    ///   - root: the folder a registry has as `storage.filesystem.rootdirectory`.
    ///   - name: how messages name it; `storage:ROOT` by default.
    public init(root: String, name: String? = nil) {
        self.name = name ?? FolderAddress(layout: .storage, path: root).description
        self.files = FolderFiles(root: root + "/docker/registry/v2")
        self.blobs = FolderBlobs(name: self.name, files: files, path: Self.blob)
    }

    /// A folder takes no request slots: its reads and writes are the disk's.
    public var slot: HostSlots.Claim? { nil }

    // MARK: - The tree

    static func blob(_ digest: Digest) -> String { "blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)/data" }

    private func repository(_ repo: String) throws -> String { "repositories/" + (try SafeName.repository(repo, in: name)) }

    private func layerLink(_ repo: String, _ digest: Digest) throws -> String {
        try repository(repo) + "/_layers/sha256/\(digest.hex)/link"
    }

    private func revisionLink(_ repo: String, _ digest: Digest) throws -> String {
        try repository(repo) + "/_manifests/revisions/sha256/\(digest.hex)/link"
    }

    private func tagFolder(_ repo: String, _ tag: String) throws -> String {
        try repository(repo) + "/_manifests/tags/" + (try SafeName.tag(tag, in: name))
    }

    /// The digest `reference` names in `repo`, when the repository holds that manifest.
    private func resolve(_ repo: String, _ reference: String) throws -> Digest? {
        if let digest = Digest(reference) {
            return files.exists(try revisionLink(repo, digest)) ? digest : nil
        }
        return try files.link(try tagFolder(repo, reference) + "/current/link")
    }

    // MARK: - Reading

    public func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await manifest(repo, reference: reference).head
    }

    public func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        try blobs.manifest(repo, reference, found: try resolve(repo, reference).map { ($0, nil) })
    }

    public func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        try await blobs.read(repo, digest, size: size, into: sink)
    }

    public func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        try blobs.body(repo, descriptor)
    }

    /// Every folder under `repositories/` that has `_manifests`, in name order, as
    /// distribution's catalog finds them.
    /// - Throws: ``LayoutError/invalidFile(path:reason:)`` when the folder holds no storage tree.
    public func repositories(each: ([String]) async throws -> Void) async throws {
        guard files.exists("") else {
            throw LayoutError.invalidFile(path: files.root, reason: "no registry storage tree here (docker/registry/v2)")
        }
        var found: [String] = []
        func walk(_ prefix: String) {
            for child in files.folders(in: "repositories" + (prefix.isEmpty ? "" : "/" + prefix))
            where !child.hasPrefix("_") {
                let repo = prefix.isEmpty ? child : prefix + "/" + child
                if files.exists("repositories/\(repo)/_manifests") { found.append(repo) }
                walk(repo)
            }
        }
        walk("")
        try await each(found.sorted())
    }

    /// The tags with a `current` link.
    public func tags(_ repo: String, each: ([String]) async throws -> Void) async throws {
        let manifests = try repository(repo) + "/_manifests"
        guard files.exists(manifests) else { throw RegistryError.notFound(what: "\(name)/\(repo)", code: "NAME_UNKNOWN") }
        try await each(files.folders(in: manifests + "/tags").filter { files.exists(manifests + "/tags/\($0)/current/link") })
    }

    // MARK: - Writing

    public func manifestDigest(_ repo: String, reference: String) async throws -> Digest? {
        guard let digest = try resolve(repo, reference), blobs.exists(digest) else { return nil }
        return digest
    }

    /// Linked in the repository and its data there: one `stat` each, no request to the source.
    public func hasBlob(_ repo: String, digest: Digest) async throws -> Bool {
        files.exists(try layerLink(repo, digest)) && blobs.exists(digest)
    }

    /// Data already in the folder (another repository's) is linked, not fetched: ``BlobWrite/mounted``.
    public func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        let link = try layerLink(repo, descriptor.digest)
        var written: BlobWrite = .mounted
        if !blobs.exists(descriptor.digest) {
            written = .written(try await blobs.write(repo, descriptor, body: try await body()))
        }
        try files.writeLink(descriptor.digest, to: link)
        return written
    }

    /// The manifest's bytes as a blob and its revision link; for a tag, the tag's index link,
    /// then its `current` link, last.
    /// A folder has no referrers API: they join the fallback index.
    public func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {
        try await indexInFallbackTag(repo, subject: subject, referrers: referrers)
    }

    public func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        // Names checked before anything is written.
        _ = try repository(repo)
        let tag = Digest(reference) == nil ? try tagFolder(repo, reference) : nil
        let digest = try blobs.putManifest(repo, reference: reference, bytes: bytes)
        let revision = try revisionLink(repo, digest)
        try files.writeLink(digest, to: revision)
        if let tag {
            try files.writeLink(digest, to: tag + "/index/sha256/\(digest.hex)/link")
            try files.writeLink(digest, to: tag + "/current/link")
        }
    }
}
