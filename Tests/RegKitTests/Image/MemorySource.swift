import Foundation
import Synchronization

@testable import RegKit

/// Images held in memory, one repository's manifests and blobs, as an ``ImageSource`` for
/// unit tests of the walk. It counts the manifests read, so a test can tell what was fetched.
final class MemorySource: ImageSource {
    let name = "memory"
    private let manifests: [String: (type: String, bytes: Data)]
    private let blobs: [Digest: Data]
    private let reads = Mutex<[String]>([])
    /// What a referrers API lists per subject; nil for a source without the API.
    private let listed: [Digest: [Descriptor]]?

    /// - Parameters:
    ///   - manifests: bytes and media type by tag or digest; each is also stored by its digest.
    ///   - referrers: what the source's referrers API lists per subject; nil: it has none.
    init(manifests: [String: (type: String, bytes: Data)], blobs: [Data] = [], referrers: [Digest: [Descriptor]]? = nil) {
        var all = manifests
        for (_, entry) in manifests { all[Digest(of: entry.bytes).description] = entry }
        self.manifests = all
        self.blobs = Dictionary(blobs.map { (Digest(of: $0), $0) }, uniquingKeysWith: { a, _ in a })
        self.listed = referrers
    }

    func referrers(_ repo: String, subject: Digest) async throws -> [Descriptor]? {
        guard let listed else { return nil }
        return listed[subject] ?? []
    }

    /// The references read so far, in order.
    var read: [String] { reads.withLock { $0 } }

    func head(_ repo: String, reference: String) async throws -> ManifestHead {
        guard let entry = manifests[reference] else { throw RegistryError.notFound(what: reference, code: nil) }
        return ManifestHead(digest: Digest(of: entry.bytes), mediaType: entry.type, size: Int64(entry.bytes.count))
    }

    func manifest(_ repo: String, reference: String) async throws -> ImageNode {
        reads.withLock { $0.append(reference) }
        guard let entry = manifests[reference] else { throw RegistryError.notFound(what: reference, code: nil) }
        let head = ManifestHead(digest: Digest(of: entry.bytes), mediaType: entry.type, size: Int64(entry.bytes.count))
        return ImageNode(head: head, bytes: entry.bytes, manifest: try Manifest.parse(entry.bytes, reference: reference))
    }

    func blob(_ repo: String, digest: Digest, size: Int64?, into sink: any BodySink) async throws -> Int64 {
        guard let data = blobs[digest] else { throw RegistryError.notFound(what: digest.description, code: nil) }
        _ = await sink.writeAll(data)
        return Int64(data.count)
    }
}

/// Manifests written by hand for walk tests.
enum TestImages {
    /// An image manifest whose config and layer are blobs of `seed`'s bytes.
    static func image(_ seed: String) -> (manifest: Data, blobs: [Data]) {
        let config = Data("{\"created\":\"2024-01-01T00:00:00Z\",\"seed\":\"\(seed)\"}".utf8)
        let layer = Data("layer \(seed)".utf8)
        let manifest = Data(
            """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",\
            "config":{"mediaType":"\(MediaType.ociConfig)","digest":"\(Digest(of: config))","size":\(config.count)},\
            "layers":[{"mediaType":"\(MediaType.ociLayerGzip)","digest":"\(Digest(of: layer))","size":\(layer.count)},\
            {"mediaType":"\(MediaType.ociLayerGzip)","digest":"\(Digest(of: Data("shared".utf8)))","size":6}]}
            """.utf8)
        return (manifest, [config, layer, Data("shared".utf8)])
    }

    /// An index listing `children` (bytes and type), with `platform` set for each image.
    static func index(_ children: [(type: String, bytes: Data)], type: String = MediaType.ociIndex) -> Data {
        let entries = children.enumerated().map { i, child in
            let platform =
                MediaType.isImage(child.type) ? #","platform":{"os":"linux","architecture":"arch\#(i)"}"# : ""
            return
                #"{"mediaType":"\#(child.type)","digest":"\#(Digest(of: child.bytes))","size":\#(child.bytes.count)\#(platform)}"#
        }
        return Data(#"{"schemaVersion":2,"mediaType":"\#(type)","manifests":[\#(entries.joined(separator: ","))]}"#.utf8)
    }
}
