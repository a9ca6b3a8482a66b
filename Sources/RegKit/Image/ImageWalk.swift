/// The one walk over an image's graph: a manifest, then every manifest an index lists (an
/// index of indexes too, to a bounded depth), and the blobs of every image manifest.
///
/// reg-manifest, reg-rm's selection and its reverse check read images through it, and the
/// copier takes its plan from it: child manifests before their parents, each once, and the
/// distinct blobs.
public struct ImageWalk: Sendable {
    /// How deep indexes may nest. Real images use one level (an index of platform images);
    /// distribution accepts more, so a few are followed, and a deeper graph is an error
    /// rather than a silent cut.
    public static let maxDepth = 8

    public let source: any ImageSource

    public init(source: any ImageSource) { self.source = source }

    /// What to read below the root.
    public enum Reach: Sendable {
        /// Every manifest: what a copy or a config lookup needs.
        case everything
        /// Only the indexes: enough to know every manifest's digest (an image manifest is known
        /// from its descriptor), with one request per index instead of one per platform.
        case indexes
    }

    /// Reads the manifest `reference` of `repo` and every manifest below it that `reach` asks for.
    /// - Throws: what the source throws (a child that is missing is an error: the image is
    ///   not whole), and ``RegistryError/invalidManifest(reference:reason:)`` for indexes
    ///   nested deeper than ``maxDepth``.
    public func graph(_ repo: String, reference: String, reach: Reach = .everything) async throws -> ImageGraph {
        try await graph(repo, from: try await source.manifest(repo, reference: reference), reach: reach)
    }

    /// The same walk from a root manifest already read (and checked) by the caller.
    public func graph(_ repo: String, from root: ImageNode, reach: Reach = .everything) async throws -> ImageGraph {
        var listed: [Digest] = []
        var seen: Set<Digest> = [root.digest]
        var nodes: [Digest: ImageNode] = [:]
        var frontier = [root]
        for depth in 0...Self.maxDepth {
            var next: [Digest] = []
            for child in frontier.flatMap(\.children) where seen.insert(child.digest).inserted {
                listed.append(child.digest)
                if reach == .everything || !MediaType.isImage(child.mediaType ?? "") { next.append(child.digest) }
            }
            if next.isEmpty { break }
            guard depth < Self.maxDepth else {
                throw RegistryError.invalidManifest(
                    reference: "\(source.name)/\(repo)@\(root.digest)",
                    reason: "indexes nest deeper than \(Self.maxDepth) levels")
            }
            let source = self.source
            frontier = try await Concurrently.tryMap(next) { digest in
                try await source.manifest(repo, reference: digest.description)
            }
            for node in frontier { nodes[node.digest] = node }
        }
        return ImageGraph(root: root, descendants: Self.childrenFirst(root, nodes), listed: listed)
    }

    /// Every node below `root` after each node it lists (post-order), so that no index
    /// comes before a manifest it lists, even when two indexes share a child.
    static func childrenFirst(_ root: ImageNode, _ nodes: [Digest: ImageNode]) -> [ImageNode] {
        var order: [ImageNode] = []
        var placed: Set<Digest> = [root.digest]
        func visit(_ node: ImageNode) {
            for child in node.children {
                guard let found = nodes[child.digest], placed.insert(child.digest).inserted else { continue }
                visit(found)
                order.append(found)
            }
        }
        visit(root)
        return order
    }
}

/// What a walk found: the root manifest, every manifest below it, and their blobs.
public struct ImageGraph: Sendable {
    public let root: ImageNode
    /// The manifests read below the root, each once, children before the indexes that list
    /// them: the order in which a writer puts them.
    public let descendants: [ImageNode]

    /// The digest of every manifest below the root, read or not.
    public let descendantDigests: [Digest]

    public init(root: ImageNode, descendants: [ImageNode], listed: [Digest]) {
        self.root = root
        self.descendants = descendants
        self.descendantDigests = listed
    }

    /// Every manifest, root last.
    public var manifests: [ImageNode] { descendants + [root] }

    /// The distinct blobs (configs and layers) of every image manifest, in the order first met.
    public var blobs: [Descriptor] {
        var seen: Set<Digest> = []
        return manifests.flatMap(\.blobs).filter { seen.insert($0.digest).inserted }
    }
}
