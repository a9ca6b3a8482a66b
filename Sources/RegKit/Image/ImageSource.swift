public import Foundation

/// Where images are read from: a registry today; disk layouts and generated images share the seam.
///
/// Every method answers for one repository of the source, names its input in errors, and
/// checks content against its digest.
public protocol ImageSource: Sendable {
    /// How messages name the source: the registry as written, or a folder.
    var name: String { get }

    /// The request slots reading from the source takes (``HostSlots``); nil when it needs none.
    var slot: HostSlots.Claim? { get }

    /// The descriptor of a manifest by tag or digest, as cheaply as the source can tell it.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when there is no such manifest.
    func head(_ repo: String, reference: String) async throws -> ManifestHead

    /// A manifest by tag or digest, with its exact bytes, checked against its digest.
    /// - Throws: ``RegistryError/notFound(what:code:)`` when there is no such manifest,
    ///   ``RegistryError/invalidManifest(reference:reason:)`` when its bytes are not one.
    func manifest(_ repo: String, reference: String) async throws -> ImageNode

    /// Streams a blob into `sink`, checking its digest and, when given, its size.
    /// - Returns: the number of bytes.
    func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64

    /// The blob as an upload body. A registry streams it through a ``BlobPipe`` as it
    /// downloads (memory bounded, not re-readable: a failed upload asks for a new body); a
    /// source holding its bytes hands them over. By default it is fetched into a
    /// ``SpooledBody`` first.
    func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource

    /// The manifests whose `subject` is `digest`, as the source's referrers API lists them; nil
    /// when it has none (then ``ImageWalk/referrers(_:of:)`` looks for ``ReferrerTag``s only).
    func referrers(_ repo: String, subject: Digest) async throws -> [Descriptor]?
}

extension ImageSource {
    public var slot: HostSlots.Claim? { nil }

    /// A source without a referrers API: tags are how it attaches artifacts.
    public func referrers(_ repo: String, subject: Digest) async throws -> [Descriptor]? { nil }

    public func blobBody(_ repo: String, descriptor: Descriptor) async throws -> any BodySource {
        let spool = try SpooledBody()
        _ = try await blob(repo, digest: descriptor.digest, size: descriptor.size, into: spool)
        return spool
    }

    /// Streams a blob into `sink`, checking its digest.
    public func blob(_ repo: String, digest: Digest, into sink: any BodySink) async throws -> Int64 {
        try await blob(repo, digest: digest, size: nil, into: sink)
    }

    /// A small blob (an image config) in memory, checked against its digest.
    /// - Parameter limit: the most bytes accepted; a larger blob is an error, not a memory spike.
    public func blobData(_ repo: String, digest: Digest, size: Int64? = nil, limit: Int = 8 << 20) async throws -> Data {
        let memory = MemorySink(limit: limit)
        _ = try await blob(repo, digest: digest, size: size, into: memory)
        return memory.data
    }
}
