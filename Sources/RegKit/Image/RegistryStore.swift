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

    public var slot: HostSlots.Claim? { client.slot(registry) }

    // MARK: - Reading

    public func head(_ repo: String, reference: String) async throws -> ManifestHead {
        try await client.head(registry, repo: repo, reference: reference)
    }

    public func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        let (head, body) = try await client.manifest(registry, repo: repo, reference: reference)
        let manifest = try Manifest.parse(body, reference: ImageReference.display(registry, repo, reference))
        return ImageNode(head: head, bytes: body, manifest: manifest)
    }

    public func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        try await client.blob(registry, repo: repo, digest: digest, size: size, into: sink)
    }

    /// A ``BlobPipe`` fed by a download that starts now, in a task the pipe can cancel.
    public func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        let pipe = BlobPipe(length: descriptor.size)
        let (client, registry) = (self.client, self.registry)
        pipe.attach(
            producer: Task {
                do {
                    try await client.blob(registry, repo: repo, digest: descriptor.digest, size: descriptor.size, into: pipe)
                    pipe.finish()
                } catch {
                    pipe.fail(error)
                }
            })
        return pipe
    }

    public func referrers(_ repo: String, subject: Digest) async throws -> [Descriptor]? {
        try await client.referrers(registry, repo: repo, subject: subject)
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

    /// Uploads after the body opened (a pipe's download answered 2xx), in one `PUT`.
    ///
    /// An upload that fails in a way worth a retry starts over (unless the transport already
    /// retried a body it could send again): a new upload session and a new body (a new
    /// download), after a pause. A body too large for the registry or a proxy (413) starts
    /// over at once in `PATCH` chunks, smaller each time it is refused again.
    public func writeBlob(
        _ repo: String, descriptor: Descriptor, mountFrom: String?, body: @Sendable () async throws -> any BodySource
    ) async throws -> BlobWrite {
        let start = try await client.startUpload(
            registry, repo: repo, mount: mountFrom.map { (digest: descriptor.digest, from: $0) })
        guard case .session(var session) = start else { return .mounted }
        var chunk: Int64?
        var restarts = 0
        let retry = client.options.retry
        while true {
            let source = try await body()
            do {
                try await source.opened()
                if let chunk {
                    try await client.uploadChunked(
                        registry, repo: repo, session: session, digest: descriptor.digest, body: source, chunk: chunk)
                } else {
                    try await client.finishUpload(
                        registry, repo: repo, session: session, digest: descriptor.digest, body: source)
                }
                return .written(source.length)
            } catch {
                source.cancel()
                // The download's own failure (it resumed what it could) is the one to report.
                if let cause = source.failure, !(cause is CancellationError) { throw cause }
                if case RegistryError.unexpected(_, 413, _) = error, (chunk ?? .max) > RegistryStore.smallestChunk {
                    chunk = chunk.map { $0 / 4 } ?? RegistryStore.firstChunk
                    client.note(
                        "\(name)/\(repo)@\(descriptor.digest): body too large (HTTP 413), sending it in chunks of \(chunk!) bytes"
                    )
                } else {
                    guard !source.canRewind || chunk != nil, RetryPolicy.isRetryable(error), restarts < retry.retries else {
                        throw error
                    }
                    let pause = retry.delay(attempt: restarts)
                    client.note(
                        "\(name)/\(repo)@\(descriptor.digest): upload failed (\(error)), starting again in \(String(format: "%.1f", pause)) s"
                    )
                    restarts += 1
                    try await HostSlots.pause(seconds: pause)
                }
                guard case .session(let fresh) = try await client.startUpload(registry, repo: repo) else { return .mounted }
                session = fresh
            }
        }
    }

    /// The first chunk size after a 413, and the smallest the ladder goes down to (a quarter each time).
    static let firstChunk: Int64 = 8 << 20
    static let smallestChunk: Int64 = 512 << 10

    public func putManifest(_ repo: String, reference: String, bytes: Data, mediaType: String) async throws {
        try await client.putManifest(registry, repo: repo, reference: reference, body: bytes, mediaType: mediaType)
    }

    public func indexReferrers(_ repo: String, subject: Digest, referrers: [Descriptor]) async throws {
        // A registry with the API indexed each manifest by its subject as it was put.
        if try await client.referrers(registry, repo: repo, subject: subject) != nil { return }
        try await indexInFallbackTag(repo, subject: subject, referrers: referrers)
    }
}
