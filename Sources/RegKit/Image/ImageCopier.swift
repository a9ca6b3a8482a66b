/// The one copier: moves images from a source to a target, for reg-seed and reg-rm's
/// placeholder today and reg-copy, reg-scrape and reg-probe next.
///
/// An image whose target tag already has its digest costs one request. Otherwise the blobs
/// move concurrently, each (target repository, digest) once per run even across images
/// (single flight); a blob the run already put in another repository of the target, or held
/// by the source repository when source and target are one registry, is mounted instead of
/// sent. Then the manifests below the top one by digest, children before parents, and the
/// tag last: a tag never points at content that is not all there.
public final class ImageCopier: Sendable {
    /// What one copy did.
    public struct Outcome: Sendable, Equatable {
        public enum Status: Sendable {
            /// Written (or rewritten) at the target.
            case copied
            /// The target tag already pointed at this digest: nothing was written.
            case exists
            /// A dry run: this would be copied (`bytes` and the blob counts say how much).
            case wouldCopy
        }

        public var status: Status
        /// The top manifest's digest at the target.
        public var digest: Digest
        /// The top manifest's digest at the source: another than ``digest`` for a platform subset.
        public var sourceDigest: Digest
        /// Blob bytes sent to the target.
        public var bytes: Int64 = 0
        public var blobsCopied = 0
        public var blobsMounted = 0
        /// Blobs the target repository had already, or that another image of the run was moving.
        public var blobsSkipped = 0
        /// Referrers (signatures, SBOMs, attestations) copied with it.
        public var referrers = 0

        public init(status: Status, digest: Digest, sourceDigest: Digest? = nil) {
            self.status = status
            self.digest = digest
            self.sourceDigest = sourceDigest ?? digest
        }

        /// Counts what `other` moved too; copied when either copied anything.
        mutating func add(_ other: Outcome) {
            if other.status == .copied { status = .copied }
            if other.status == .wouldCopy, status == .exists { status = .wouldCopy }
            bytes += other.bytes
            blobsCopied += other.blobsCopied
            blobsMounted += other.blobsMounted
            blobsSkipped += other.blobsSkipped
        }
    }

    public let target: any ImageTarget
    private let flights = BlobFlights()

    public init(target: any ImageTarget) { self.target = target }

    /// Copies `repo:reference` of `source` to `targetRepo` of the target.
    /// - Parameters:
    ///   - tag: the tag to write last; nil copies by digest only.
    ///   - known: the digest `reference` is known to have (a resolved record): when the target
    ///     tag has it already, the source is not asked at all.
    ///   - platforms: copy only these platforms of an index (``ImageGraph/selecting(_:name:)``);
    ///     empty copies every one.
    ///   - referrers: then also what is attached to the source's image, and to that in turn
    ///     (``ImageWalk/referrers(_:of:)``, ``copyReferrers(_:from:repo:to:of:mountFromSource:dryRun:)``).
    ///   - mountFromSource: the source is the target's own store, so `repo` can lend its blobs.
    ///   - dryRun: write nothing; the outcome says what would move (blobs the target lacks).
    /// - Throws: what the walk, the source or the target throws; nothing is tagged then.
    @discardableResult
    public func copy(
        from source: any ImageSource, repo: String, reference: String, to targetRepo: String, tag: String?,
        known: Digest? = nil, platforms: [Platform] = [], referrers: Bool = false, mountFromSource: Bool = false,
        dryRun: Bool = false
    ) async throws -> Outcome {
        var outcome = try await copyImage(
            from: source, repo: repo, reference: reference, to: targetRepo, tag: tag, known: known, platforms: platforms,
            mountFromSource: mountFromSource, dryRun: dryRun)
        guard referrers else { return outcome }
        // What is attached to the source's image: a signature names the source's digest.
        let found = try await ImageWalk(source: source).referrers(repo, of: outcome.sourceDigest)
        let attached = try await copyReferrers(
            found, from: source, repo: repo, to: targetRepo, of: outcome.sourceDigest, mountFromSource: mountFromSource,
            dryRun: dryRun)
        outcome.add(attached)
        outcome.referrers = attached.referrers
        return outcome
    }

    /// The image alone.
    private func copyImage(
        from source: any ImageSource, repo: String, reference: String, to targetRepo: String, tag: String?,
        known: Digest?, platforms: [Platform], mountFromSource: Bool, dryRun: Bool
    ) async throws -> Outcome {
        // Copied already: the tag (or, copying by digest, the digest) is there with this digest.
        var present: Digest?
        if let probe = tag ?? known?.description { present = try await target.manifestDigest(targetRepo, reference: probe) }
        if let known, present == known, platforms.isEmpty { return Outcome(status: .exists, digest: known) }
        let whole = try await ImageWalk(source: source).graph(repo, reference: reference)
        let graph = try whole.selecting(platforms, name: "\(source.name)/\(repo)@\(whole.root.digest)")
        let root = graph.root
        if tag == nil && (known == nil || root.digest != known) {
            present = try await target.manifestDigest(targetRepo, reference: root.digest.description)
        }
        if present == root.digest { return Outcome(status: .exists, digest: root.digest, sourceDigest: whole.root.digest) }
        if dryRun { return try await plan(graph, to: targetRepo, sourceDigest: whole.root.digest) }
        let lender = mountFromSource && repo != targetRepo ? repo : nil
        let moved = try await Concurrently.tryMap(graph.blobs) { descriptor in
            try await self.blob(descriptor, from: source, repo: repo, to: targetRepo, lender: lender)
        }
        var outcome = Outcome(status: .copied, digest: root.digest, sourceDigest: whole.root.digest)
        for result in moved {
            switch result {
            case .skipped: outcome.blobsSkipped += 1
            case .mounted: outcome.blobsMounted += 1
            case .written(let bytes):
                outcome.blobsCopied += 1
                outcome.bytes += bytes
            }
        }
        for node in graph.descendants {
            try await target.putManifest(
                targetRepo, reference: node.digest.description, bytes: node.bytes, mediaType: node.head.mediaType)
        }
        try await target.putManifest(
            targetRepo, reference: tag ?? root.digest.description, bytes: root.bytes, mediaType: root.head.mediaType)
        return outcome
    }

    /// Copies what `referrers` list (``ImageWalk/referrers(_:of:)`` of an image in `repo`) to
    /// `targetRepo`, after the image: each by the tag that attaches it, or by digest; then
    /// the target lists those the source's referrers API gave under their subjects
    /// (``ImageTarget/indexReferrers(_:subject:referrers:)``).
    /// - Returns: what moved, summed, with the number of referrers; exists when nothing did.
    public func copyReferrers(
        _ referrers: [Referrer], from source: any ImageSource, repo: String, to targetRepo: String, of image: Digest,
        mountFromSource: Bool = false, dryRun: Bool = false
    ) async throws -> Outcome {
        var total = Outcome(status: .exists, digest: image)
        let outcomes = try await Concurrently.tryMap(referrers) { referrer in
            try await self.copyImage(
                from: source, repo: repo, reference: referrer.tag ?? referrer.descriptor.digest.description, to: targetRepo,
                tag: referrer.tag, known: referrer.descriptor.digest, platforms: [], mountFromSource: mountFromSource,
                dryRun: dryRun)
        }
        for outcome in outcomes { total.add(outcome) }
        total.referrers = referrers.count
        guard !dryRun else { return total }
        let listed = Dictionary(grouping: referrers.filter { $0.tag == nil }, by: \.subject)
        for (subject, group) in listed.sorted(by: { $0.key.description < $1.key.description }) {
            try await target.indexReferrers(targetRepo, subject: subject, referrers: group.map(\.descriptor))
        }
        return total
    }

    /// What a copy of `graph` would move: the blobs the target repository lacks.
    private func plan(_ graph: ImageGraph, to targetRepo: String, sourceDigest: Digest) async throws -> Outcome {
        let target = self.target
        let missing = try await Concurrently.tryMap(graph.blobs) { descriptor in
            try await target.hasBlob(targetRepo, digest: descriptor.digest) ? nil : descriptor
        }
        var outcome = Outcome(status: .wouldCopy, digest: graph.root.digest, sourceDigest: sourceDigest)
        for descriptor in missing {
            if let descriptor {
                outcome.blobsCopied += 1
                outcome.bytes += descriptor.size
            } else {
                outcome.blobsSkipped += 1
            }
        }
        return outcome
    }

    /// Moves one blob unless the target repository has it, once per run.
    private func blob(
        _ descriptor: Descriptor, from source: any ImageSource, repo: String, to targetRepo: String, lender: String?
    ) async throws -> BlobFlights.Result {
        let target = self.target
        // The download and the upload of a blob take their slots together (``HostSlots``).
        let claims = [source.slot, target.slot].compactMap { $0 }
        return try await flights.once(repo: targetRepo, digest: descriptor.digest) { holder in
            try await HostSlots.run(claims) {
                if try await target.hasBlob(targetRepo, digest: descriptor.digest) { return .skipped }
                let written = try await target.writeBlob(targetRepo, descriptor: descriptor, mountFrom: holder ?? lender) {
                    try await source.blobBody(repo, descriptor: descriptor)
                }
                switch written {
                case .mounted: return .mounted
                case .written(let bytes): return .written(bytes)
                }
            }
        }
    }
}

/// Blob transfers of one run: each (target repository, digest) moves once, and a repository
/// known to hold a digest is remembered, so other repositories can mount it.
actor BlobFlights {
    enum Result: Sendable, Equatable {
        case skipped
        case mounted
        case written(Int64)
    }

    private struct Key: Hashable {
        let repo: String
        let digest: Digest
    }

    private var flights: [Key: Task<Result, any Error>] = [:]
    private var holders: [Digest: String] = [:]

    /// Runs `work` for (repo, digest) the first time, handing it a repository of the target
    /// that holds the digest, if one is known; later callers share its result as skipped.
    func once(repo: String, digest: Digest, _ work: @escaping @Sendable (String?) async throws -> Result) async throws
        -> Result
    {
        let key = Key(repo: repo, digest: digest)
        if let running = flights[key] {
            _ = try await running.value
            return .skipped
        }
        let holder = holders[digest].flatMap { $0 == repo ? nil : $0 }
        let task = Task { try await work(holder) }
        flights[key] = task
        do {
            let result = try await task.value
            if holders[digest] == nil { holders[digest] = repo }
            return result
        } catch {
            flights[key] = nil  // a later image may try again
            throw error
        }
    }
}
