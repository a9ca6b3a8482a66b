import Foundation
import Synchronization

/// `reg-copy`: copies the images the records name to a destination registry, whole (every
/// platform, attestation and blob), through the one ``ImageCopier``.
///
/// A record with a tag copies that tag; with a digest as well (a resolved record), that digest
/// is what is copied and tagged, and when the destination tag has it already nothing is asked
/// of the source. A record with a digest alone copies by digest. A repository record (no tag,
/// no digest: reg-ls output, or a repository reg-diff found `missing`) copies every tag of the
/// repository, one output record per tag. A reg-diff `extra` record (a tag only the
/// destination has) and a record carrying `error` pass through untouched: nothing to copy.
///
/// Each record comes out with `status` (`copied`, `exists`, `would-copy`), `dest`, `digest`,
/// `bytes` moved and the blob counts; one that failed carries `error` and the run goes on.
public struct CopyImages: RecordOperation {
    public struct Options: Sendable {
        /// The registry, or one repository (and tag) for a single image.
        public var destination: ImageReference
        public var mapping: RepositoryMapping
        /// Only these platforms of an index (empty: every one).
        public var platforms: [Platform]
        /// Also what is attached to each image (signatures, SBOMs, attestations).
        public var referrers: Bool
        public var dryRun: Bool

        public init(
            destination: ImageReference, mapping: RepositoryMapping = .init(), platforms: [Platform] = [],
            referrers: Bool = false, dryRun: Bool = false
        ) {
            self.destination = destination
            self.mapping = mapping
            self.platforms = platforms
            self.referrers = referrers
            self.dryRun = dryRun
        }
    }

    public let options: Options
    /// With a destination tag: the one source image it may take.
    private let claimed = FirstClaim()

    public init(options: Options) { self.options = options }

    public func run(_ context: ToolContext) async {
        // One copier for the run: a blob moves once even when several records share it.
        let copier = ImageCopier(target: RegistryStore(registry: options.destination.registry, client: context.client))
        var tally = CopyTally()
        // A destination tag takes the first image of the input: records go one at a time, so
        // "first" is the input's order, not whichever record a concurrent run reached first.
        let window = options.destination.tag == nil ? context.window : 1
        await OrderedStream.run(context.input.records(), window: window) { record in
            await self.copy(record, copier, context)
        } emit: { records in
            context.emit(records)
            tally.count(records)
            context.diagnostics.progress(tally.progress)
        }
        context.diagnostics.verbose("\(tally.totals) \(options.dryRun ? "to copy" : "copied, \(tally.rate)")")
    }

    /// The output records of one input record.
    func copy(_ record: Record, _ copier: ImageCopier, _ context: ToolContext) async -> [Record] {
        guard record.error == nil, (try? record.stringField(Record.Field.diff)) != CompareRegistries.Kind.extra.rawValue else {
            return [record]
        }
        do {
            let registry = try record.registryAddress()
            let repo = try record.repository()
            let tag = try record.stringField(Record.Field.tag)
            let digest = try record.imageDigest()
            guard tag != nil || digest != nil else {
                return try await everyTag(of: record, registry, repo, copier, context)
            }
            return [try await copy(record, registry, repo, tag: tag, digest: digest, copier, context)]
        } catch {
            return [context.failed(record, error)]
        }
    }

    /// A repository record: every tag, in the order the source lists them.
    private func everyTag(
        of record: Record, _ registry: RegistryAddress, _ repo: String, _ copier: ImageCopier, _ context: ToolContext
    ) async throws -> [Record] {
        if options.destination.tag != nil || options.destination.digest != nil {
            throw CopyError.singleDestination(options.destination.description, record: record.displayName)
        }
        var tags: [String] = []
        try await context.store(registry).tags(repo) { tags += $0 }
        return await Concurrently.map(tags) { tag in
            var one = record
            one.tag = tag
            do {
                return try await copy(one, registry, repo, tag: tag, digest: nil, copier, context)
            } catch {
                return context.failed(one, error)
            }
        }
    }

    private func copy(
        _ record: Record, _ registry: RegistryAddress, _ repo: String, tag: String?, digest: Digest?, _ copier: ImageCopier,
        _ context: ToolContext
    ) async throws -> Record {
        let destination = options.destination
        if destination.tag != nil {
            let image = "\(registry.name)/\(repo)@\(digest?.description ?? tag ?? "")"
            guard claimed.claim(image) else {
                throw CopyError.singleDestination(destination.description, record: record.displayName)
            }
        }
        let targetRepo = destination.repo ?? options.mapping.map(repo)
        let targetTag = destination.tag ?? (destination.digest == nil ? tag : nil)
        let outcome = try await copier.copy(
            from: context.store(registry), repo: repo, reference: digest?.description ?? tag!, to: targetRepo,
            tag: targetTag, known: digest, platforms: options.platforms, referrers: options.referrers,
            mountFromSource: registry == destination.registry, dryRun: options.dryRun)
        let status: String
        switch outcome.status {
        case .copied: status = Record.Status.copied
        case .exists: status = Record.Status.exists
        case .wouldCopy: status = Record.Status.wouldCopy
        }
        let reference = targetTag.map { ":" + $0 } ?? "@" + outcome.digest.description
        var out = record
        out.note(
            outcome, status: status, dest: destination.registry.written + "/" + targetRepo + reference,
            referrers: options.referrers)
        return out
    }
}

/// The first value offered, kept: later offers of another value are refused.
private final class FirstClaim: Sendable {
    private let first = Mutex<String?>(nil)

    /// True when `value` is the first value offered, or equal to it.
    func claim(_ value: String) -> Bool {
        first.withLock { first in
            if first == nil { first = value }
            return first == value
        }
    }
}
