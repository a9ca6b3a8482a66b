/// `reg-scrape`: writes the images the records name into a folder, whole (every platform,
/// attestation and blob), through the one ``ImageCopier``: a folder is one more target.
///
/// The folder is a registry's storage tree (``StorageFolder``), which `docker-registry serve`
/// serves as it is, or an OCI image layout (``OCIFolder``). What the folder holds already is
/// kept and reused: a tag that has its digest there costs no blob request, and a blob whose
/// file is there is not fetched again. Images are read from the registry each record names, a
/// folder included, or with ``Options/fromStorage`` from a registry's storage folder.
///
/// A record with a tag scrapes that tag (its digest, when the record has one); with a digest
/// alone, that manifest; a repository record, every tag. Each comes out with `status`
/// (`scraped`, `exists`), `dest` (the folder), `digest`, `bytes` written and the blob counts;
/// one whose names would not stay inside the folder is refused with `error`, and the run goes on.
public struct ScrapeImages: RecordOperation {
    public struct Options: Sendable {
        /// Where to write, and in which layout.
        public var out: FolderAddress
        /// Read every image from this storage folder instead of the record's registry.
        public var fromStorage: String?
        /// Only these platforms of an index (empty: every one).
        public var platforms: [Platform]
        /// Also what is attached to each image (signatures, SBOMs, attestations).
        public var referrers: Bool

        public init(out: FolderAddress, fromStorage: String? = nil, platforms: [Platform] = [], referrers: Bool = false) {
            self.out = out
            self.fromStorage = fromStorage
            self.platforms = platforms
            self.referrers = referrers
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public func run(_ context: ToolContext) async {
        // One copier for the run: a blob is written once even when several records share it.
        let copier = ImageCopier(target: options.out.store())
        let source = options.fromStorage.map { StorageFolder(root: $0) as any ImageStore }
        var tally = CopyTally()
        await OrderedStream.run(context.input.records(), window: context.window) { record in
            await self.scrape(record, from: source, copier, context)
        } emit: { records in
            context.emit(records)
            tally.count(records)
            context.diagnostics.progress(tally.progress)
        }
        context.diagnostics.verbose("\(tally.totals) written to \(options.out), \(tally.rate)")
    }

    /// The output records of one input record.
    func scrape(_ record: Record, from source: (any ImageStore)?, _ copier: ImageCopier, _ context: ToolContext) async
        -> [Record]
    {
        guard record.error == nil else { return [record] }
        do {
            let store = try source ?? context.store(try record.registryAddress())
            let repo = try record.repository()
            let tag = try record.stringField(Record.Field.tag)
            let digest = try record.imageDigest()
            try checkNames(record, repo: repo, tags: tag.map { [$0] } ?? [])
            guard let reference = digest?.description ?? tag else {
                var tags: [String] = []
                try await store.tags(repo) { tags += $0 }
                try checkNames(record, repo: repo, tags: tags)
                return await Concurrently.map(tags) { tag in
                    var one = record
                    one.tag = tag
                    do {
                        return try await scrape(one, store, repo, reference: tag, tag: tag, known: nil, copier)
                    } catch {
                        return context.failed(one, error)
                    }
                }
            }
            return [try await scrape(record, store, repo, reference: reference, tag: tag, known: digest, copier)]
        } catch {
            return [context.failed(record, error)]
        }
    }

    /// Refuses, before anything is read or written, names that would not stay paths in the folder.
    private func checkNames(_ record: Record, repo: String, tags: [String]) throws {
        do {
            _ = try SafeName.repository(repo, in: options.out.description)
            for tag in tags { _ = try SafeName.tag(tag, in: options.out.description) }
        } catch let error as LayoutError {
            throw ScrapeError.refused(record: record.displayName, error)
        }
    }

    private func scrape(
        _ record: Record, _ store: any ImageStore, _ repo: String, reference: String, tag: String?, known: Digest?,
        _ copier: ImageCopier
    ) async throws -> Record {
        let outcome = try await copier.copy(
            from: store, repo: repo, reference: reference, to: repo, tag: tag, known: known, platforms: options.platforms,
            referrers: options.referrers)
        var out = record
        out.note(
            outcome, status: outcome.status == .exists ? Record.Status.exists : Record.Status.scraped,
            dest: options.out.description, referrers: options.referrers)
        return out
    }
}
