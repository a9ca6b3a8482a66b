public import Foundation

/// A registry as an image store, through the shared client: what the walk reads from and
/// what the copier writes to.
public struct RegistryStore: ImageSource, ImageTarget {
    public let registry: RegistryAddress
    public let client: RegistryClient

    public init(registry: RegistryAddress, client: RegistryClient) {
        self.registry = registry
        self.client = client
    }

    public var name: String { registry.written }

    // MARK: - Reading

    public func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await client.head(registry, repo: repo, reference: reference)
    }

    public func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        let (head, body) = try await client.manifest(registry, repo: repo, reference: reference)
        let manifest = try Manifest.parse(body, reference: ImageReference.display(registry, repo, reference))
        return ImageNode(head: head, bytes: body, manifest: manifest)
    }

    public func blob(_ repo: String, digest: Digest, into sink: any BodySink) async throws -> Int64 {
        try await client.blob(registry, repo: repo, digest: digest, into: sink)
    }

    // MARK: - Writing

    public func manifestDigest(_ repo: String, reference: String) async throws -> Digest? {
        do {
            return try await client.head(registry, repo: repo, reference: reference).digest
        } catch RegistryError.notFound {
            return nil
        }
    }

    public func hasBlob(_ repo: String, digest: Digest) async throws -> Bool {
        try await client.blobExists(registry, repo: repo, digest: digest)
    }

    public func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        let start = try await client.startUpload(
            registry, repo: repo, mount: mountFrom.map { (digest: descriptor.digest, from: $0) })
        guard case .session(let session) = start else { return .mounted }
        let source = try await body()
        try await client.finishUpload(registry, repo: repo, session: session, digest: descriptor.digest, body: source)
        return .written(source.length)
    }

    public func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        try await client.putManifest(registry, repo: repo, reference: reference, body: bytes, mediaType: mediaType)
    }
}
