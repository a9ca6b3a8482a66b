public import Foundation

extension ImageGraph {
    /// The part of a multi-platform image that `platforms` name (a pattern without a variant
    /// takes every variant), for a copy of a subset:
    /// - one platform entry matches: that platform's manifest becomes the root, so a tag points
    ///   at it as at a single-platform image;
    /// - several match: a new index lists only them, with the attestation entries that
    ///   describe them (`vnd.docker.reference.digest`), and every other field of the index as
    ///   it was. Its digest differs from the source's.
    ///
    /// An image that is not an index is itself, whatever `platforms` say: it has one platform.
    /// - Parameter name: the image, for the error.
    /// - Throws: ``PlatformError`` when no entry matches.
    public func selecting(_ platforms: [Platform], name: String) throws -> ImageGraph {
        guard !platforms.isEmpty, root.isIndex else { return self }
        let chosen = root.manifest.platformEntries.filter { entry in
            entry.platform.map { platform in platforms.contains { $0.matches(platform) } } ?? false
        }
        guard !chosen.isEmpty else {
            throw PlatformError.noMatch(
                image: name, wanted: platforms.map(\.description),
                available: root.manifest.platformEntries.compactMap { $0.platform?.description })
        }
        var nodes: [Digest: ImageNode] = [:]
        for node in descendants { nodes[node.digest] = node }
        let newRoot: ImageNode
        if chosen.count == 1, let only = nodes[chosen[0].digest] {
            newRoot = only
        } else {
            let kept = Set(chosen.map(\.digest))
            let describes = "vnd.docker.reference.digest"
            let keep = { (entry: Descriptor) in
                kept.contains(entry.digest) || entry.annotations?[describes].flatMap(Digest.init).map(kept.contains) == true
            }
            // Every entry chosen: the index as it is, digest and all.
            if root.children.allSatisfy(keep) { return self }
            newRoot = try root.keeping(keep)
        }
        let below = ImageWalk.childrenFirst(newRoot, nodes)
        return ImageGraph(root: newRoot, descendants: below, listed: below.map(\.digest))
    }
}

extension ImageNode {
    /// This index with only the entries `keep` takes; every other field as it was.
    func keeping(_ keep: (Descriptor) -> Bool) throws -> ImageNode {
        let reference = "index \(digest)"
        guard var object = try JSONSerialization.jsonObject(with: bytes) as? [String: Any],
            let entries = object["manifests"] as? [Any]
        else {
            throw RegistryError.invalidManifest(reference: reference, reason: "not a JSON index")
        }
        let kept = zip(entries, children).filter { keep($0.1) }.map(\.0)
        object["manifests"] = kept
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let head = ManifestHead(digest: Digest(of: data), mediaType: head.mediaType, size: Int64(data.count))
        return ImageNode(head: head, bytes: data, manifest: try Manifest.parse(data, reference: reference))
    }
}

/// A platform subset that names nothing the image has.
public enum PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    case noMatch(image: String, wanted: [String], available: [String])

    public var description: String {
        switch self {
        case .noMatch(let image, let wanted, let available):
            return
                "\(image): no platform \(wanted.joined(separator: ", ")) (it has \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        }
    }
}
