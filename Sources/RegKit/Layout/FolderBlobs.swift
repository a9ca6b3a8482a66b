public import Foundation

/// The blobs and manifests of a folder store, by digest: what both layouts read, check, write
/// and name in messages the same way. Each layout says only where a blob's file is.
struct FolderBlobs: Sendable {
    /// How messages name the folder: `storage:DIR`, `oci:DIR`.
    let name: String
    let files: FolderFiles
    /// The file of a blob, relative to ``files``.
    let path: @Sendable (Digest) -> String

    /// `NAME/REPO:TAG` or `NAME/REPO@DIGEST`, for messages.
    func what(_ repo: String, _ reference: String) -> String {
        Digest(reference) == nil ? "\(name)/\(repo):\(reference)" : "\(name)/\(repo)@\(reference)"
    }

    func exists(_ digest: Digest) -> Bool { files.exists(path(digest)) }

    /// The manifest a layout found for `repo` and `reference`, read and checked.
    /// - Parameter found: its digest, and its type when the folder says; nil when the layout has none.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when there is none or its file is missing.
    func manifest(_ repo: String, _ reference: String, found: (digest: Digest, mediaType: String?)?) throws -> ImageNode {
        let what = what(repo, reference)
        guard let found, let node = try files.manifest(path(found.digest), found.digest, mediaType: found.mediaType, what: what)
        else { throw RegistryError.notFound(what: what, code: "MANIFEST_UNKNOWN") }
        return node
    }

    /// Writes manifest bytes as a blob (unless there) after checking them against a digest
    /// `reference`.
    /// - Returns: their digest.
    func putManifest(_ repo: String, reference: String, bytes: Data) throws -> Digest {
        let digest = Digest(of: bytes)
        if let expected = Digest(reference), expected != digest {
            throw RegistryError.digestMismatch(
                what: what(repo, reference), expected: expected.description, actual: digest.description)
        }
        if !exists(digest) { try files.write(bytes, to: path(digest)) }
        return digest
    }

    func read(_ repo: String, _ digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        try await files.readBlob(path(digest), digest, size: size, what: what(repo, digest.description), into: sink)
    }

    /// The blob's file itself: the target checks it as it takes it.
    func body(_ repo: String, _ descriptor: Descriptor) throws -> any BodySource {
        try files.body(path(descriptor.digest), what: what(repo, descriptor.digest.description))
    }

    /// Streams the body to the blob's file, checked before it gets its name.
    func write(_ repo: String, _ descriptor: Descriptor, body: any BodySource) async throws -> Int64 {
        try await files.writeBlob(body, descriptor, to: path(descriptor.digest), what: what(repo, descriptor.digest.description))
    }
}
