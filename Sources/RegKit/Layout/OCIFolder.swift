public import Foundation

/// An OCI image layout (image-spec `image-layout.md`): `oci-layout`, `index.json` and
/// `blobs/sha256/<hex>`, readable by skopeo (`oci:DIR:REF`) and other OCI tools.
///
/// Each tagged image is an entry of `index.json` whose `org.opencontainers.image.ref.name`
/// is `REPO:TAG` (skopeo's `oci:DIR:team/app:1.0`), so one layout holds many repositories.
/// Blobs are shared by all of them. Entries whose name has no repository (`latest`, as skopeo
/// writes `oci:DIR:latest`) are kept but not listed.
///
/// `index.json` is rewritten atomically under a lock of this object: one writer process at a
/// time per layout.
public final class OCIFolder: ImageStore, ImageTarget, @unchecked Sendable {
    /// The annotation that names an entry of `index.json`.
    public static let refName = "org.opencontainers.image.ref.name"
    static let layoutFile = "oci-layout"
    static let layoutVersion = #"{"imageLayoutVersion":"1.0.0"}"#
    static let indexFile = "index.json"

    public let name: String
    let files: FolderFiles
    let blobs: FolderBlobs
    private let lock = NSLock()

    /// - Parameter name: how messages name it; `oci:ROOT` by default.
    public init(root: String, name: String? = nil) {
        self.name = name ?? FolderAddress(layout: .oci, path: root).description
        self.files = FolderFiles(root: root)
        self.blobs = FolderBlobs(name: self.name, files: files, path: Self.blob)
    }

    /// A folder takes no request slots: its reads and writes are the disk's.
    public var slot: HostSlots.Claim? { nil }

    /// What `index.json` holds.
    struct Index: Codable {
        var schemaVersion = 2
        var mediaType: String? = MediaType.ociIndex
        var manifests: [Descriptor] = []
        var annotations: [String: String]?
    }

    static func blob(_ digest: Digest) -> String { "blobs/sha256/\(digest.hex)" }

    /// `REPO:TAG`, both checked.
    private func refName(_ repo: String, _ tag: String) throws -> String {
        try SafeName.repository(repo, in: name) + ":" + (try SafeName.tag(tag, in: name))
    }

    /// The repository and tag of an entry, when its name is `REPO:TAG` with both valid.
    static func split(_ entry: Descriptor) -> (repo: String, tag: String)? {
        guard let ref = entry.annotations?[refName], let colon = ref.lastIndex(of: ":") else { return nil }
        let repo = String(ref[..<colon])
        let tag = String(ref[ref.index(after: colon)...])
        guard ImageReference.isValidRepository(repo), ImageReference.isValidTag(tag) else { return nil }
        return (repo, tag)
    }

    private func index() throws -> Index {
        guard let data = try files.read(Self.indexFile, limit: 64 << 20) else { return Index() }
        do {
            return try JSONDecoder().decode(Index.self, from: data)
        } catch {
            throw LayoutError.invalidFile(path: files.path(Self.indexFile), reason: "not an OCI image index (\(error))")
        }
    }

    /// The entry a tag names, or for a digest one made from the blob.
    private func entry(_ repo: String, _ reference: String) throws -> Descriptor? {
        if let digest = Digest(reference) {
            return blobs.exists(digest) ? Descriptor(mediaType: nil, digest: digest, size: 0) : nil
        }
        let ref = try refName(repo, reference)
        return try index().manifests.last { $0.annotations?[Self.refName] == ref }
    }

    // MARK: - Reading

    public func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await manifest(repo, reference: reference).head
    }

    public func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        try blobs.manifest(repo, reference, found: try entry(repo, reference).map { ($0.digest, $0.mediaType) })
    }

    public func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        try await blobs.read(repo, digest, size: size, into: sink)
    }

    public func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        try blobs.body(repo, descriptor)
    }

    /// - Throws: ``LayoutError/invalidFile(path:reason:)`` when the folder is no OCI layout.
    public func repositories(each: ([String]) async throws -> Void) async throws {
        guard files.exists(Self.layoutFile) else {
            throw LayoutError.invalidFile(path: files.path(Self.layoutFile), reason: "no such file: not an OCI image layout")
        }
        try await each(Set(try index().manifests.compactMap { Self.split($0)?.repo }).sorted())
    }

    public func tags(_ repo: String, each: ([String]) async throws -> Void) async throws {
        let tags = try index().manifests.compactMap { Self.split($0) }.filter { $0.repo == repo }.map(\.tag)
        guard !tags.isEmpty else { throw RegistryError.notFound(what: "\(name)/\(repo)", code: "NAME_UNKNOWN") }
        try await each(tags)
    }

    // MARK: - Writing

    public func manifestDigest(_ repo: String, reference: String) async throws -> Digest? {
        guard let entry = try entry(repo, reference), blobs.exists(entry.digest) else { return nil }
        return entry.digest
    }

    public func hasBlob(_ repo: String, digest: Digest) async throws -> Bool { blobs.exists(digest) }

    public func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        try layout()
        return .written(try await blobs.write(repo, descriptor, body: try await body()))
    }

    /// The manifest as a blob; for a tag, then its entry in `index.json` (replacing the tag's old one).
    /// A folder has no referrers API: they join the fallback index.
    public func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {
        try await indexInFallbackTag(repo, subject: subject, referrers: referrers)
    }

    public func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        // Names checked before anything is written.
        _ = try SafeName.repository(repo, in: name)
        let ref = Digest(reference) == nil ? try refName(repo, reference) : nil
        try layout()
        let digest = try blobs.putManifest(repo, reference: reference, bytes: bytes)
        guard let ref else { return }
        var entry = Descriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count))
        entry.annotations = [Self.refName: ref]
        try lock.withLock {
            var index = try index()
            index.manifests.removeAll { $0.annotations?[Self.refName] == ref }
            index.manifests.append(entry)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try files.write(try encoder.encode(index), to: Self.indexFile)
        }
    }

    /// Writes `oci-layout` when the folder has none yet.
    private func layout() throws {
        if !files.exists(Self.layoutFile) { try files.write(Data(Self.layoutVersion.utf8), to: Self.layoutFile) }
    }
}
