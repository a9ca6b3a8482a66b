/// A registry as an image source, through the shared client.
public struct RegistrySource: ImageSource {
    public let registry: RegistryAddress
    public let client: RegistryClient

    public init(registry: RegistryAddress, client: RegistryClient) {
        self.registry = registry
        self.client = client
    }

    public var name: String { registry.written }

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
}
