/// A manifest attached to an image: a signature, an SBOM, an attestation, or the OCI fallback
/// index that lists such manifests.
public struct Referrer: Sendable, Hashable {
    /// The manifest it is attached to.
    public let subject: Digest
    /// The tag that attaches it (``ReferrerTag``: the OCI fallback index, or cosign's `.sig`,
    /// `.att`, `.sbom`); nil for a manifest the referrers API listed, which a copy puts by digest.
    public let tag: String?
    /// Its digest, media type and size; from the API, also its `artifactType` and annotations,
    /// which a fallback index at a target without the API lists.
    public let descriptor: Descriptor

    public init(subject: Digest, tag: String?, descriptor: Descriptor) {
        self.subject = subject
        self.tag = tag
        self.descriptor = descriptor
    }
}

extension ImageWalk {
    /// How many levels of referrers are followed (a signature of an SBOM of an image is two).
    public static let maxReferrerDepth = 4

    /// Everything attached to `subject` in `repo`, and what is attached to that in turn: what
    /// the source's referrers API lists, and the manifests the ``ReferrerTag``s name (asked
    /// either way: cosign attaches by tag even where the registry has the API). A manifest the
    /// fallback index lists comes with that index, not again on its own.
    /// - Throws: what the source throws, but not for a tag that is not there.
    public func referrers(_ repo: String, of subject: Digest) async throws -> [Referrer] {
        var found: [Referrer] = []
        var seen: Set<Digest> = [subject]
        var frontier = [subject]
        for _ in 0..<Self.maxReferrerDepth where !frontier.isEmpty {
            let source = self.source
            let levels = try await Concurrently.tryMap(frontier) { subject in
                try await Self.attached(to: subject, repo, source)
            }
            frontier = []
            for level in levels {
                for referrer in level.tagged {
                    found.append(referrer)
                    if seen.insert(referrer.descriptor.digest).inserted { frontier.append(referrer.descriptor.digest) }
                }
                for digest in level.listedByIndex where seen.insert(digest).inserted { frontier.append(digest) }
                for referrer in level.listed where seen.insert(referrer.descriptor.digest).inserted {
                    found.append(referrer)
                    frontier.append(referrer.descriptor.digest)
                }
            }
        }
        return found
    }

    /// What is attached to one subject: by tag, what the fallback index lists, and what the API lists.
    private static func attached(to subject: Digest, _ repo: String, _ source: any ImageSource) async throws -> (
        tagged: [Referrer], listedByIndex: [Digest], listed: [Referrer]
    ) {
        let api = try await source.referrers(repo, subject: subject) ?? []
        let heads = try await Concurrently.tryMap(ReferrerTag.tags(for: subject)) { tag -> (String, ManifestHead)? in
            do {
                return (tag, try await source.head(repo, reference: tag))
            } catch RegistryError.notFound {
                return nil
            }
        }
        var tagged: [Referrer] = []
        var listedByIndex: [Digest] = []
        for case let (tag, head)? in heads {
            tagged.append(
                Referrer(
                    subject: subject, tag: tag,
                    descriptor: Descriptor(mediaType: head.mediaType, digest: head.digest, size: head.size)))
            if tag == ReferrerTag.fallback(for: subject) {
                listedByIndex = try await source.manifest(repo, reference: head.digest.description).children.map(\.digest)
            }
        }
        let listed = api.filter { !listedByIndex.contains($0.digest) }.map {
            Referrer(subject: subject, tag: nil, descriptor: $0)
        }
        return (tagged, listedByIndex, listed)
    }
}
