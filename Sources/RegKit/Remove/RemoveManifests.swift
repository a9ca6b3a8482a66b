import Foundation
import Synchronization

/// `reg-rm`: deletes the manifests the records select (or only their tags), and
/// never a digest that a tag outside the selection still reaches.
///
/// The whole selection is read first: each tag is resolved to its digest, then
/// every other tag in scope is listed and resolved (with the platform manifests of
/// indexes), and only then is anything deleted, indexes before the manifests they list.
/// Each record comes out with `status`: `deleted`, `would-delete` (dry run),
/// `kept` (with `reason`) or `absent` (already gone, so re-runs converge).
public struct RemoveManifests: RecordOperation {
    public struct Options: Sendable {
        public var dryRun = false
        public var force = false
        public var tagOnly = false
        public var scope = RemovalScope.registry

        public init(dryRun: Bool = false, force: Bool = false, tagOnly: Bool = false, scope: RemovalScope = .registry) {
            self.dryRun = dryRun
            self.force = force
            self.tagOnly = tagOnly
            self.scope = scope
        }
    }

    public let options: Options
    /// A signal during the deletions stops new ones; the records not deleted say so. Before
    /// the deletions a signal ends the process (nothing was changed).
    public let interruption: Interruption?

    public init(options: Options, interruption: Interruption? = nil) {
        self.options = options
        self.interruption = interruption
    }

    /// A record after resolution: finished, or a manifest to decide on.
    enum Resolution: Sendable {
        case done(Record)
        case target(Record, RegistryAddress, RemovalPlan.Target)
    }

    /// Reads the whole input, deletes what its records select and writes each record with its
    /// outcome, in input order, as soon as it and every record before it are decided.
    public func run(_ context: ToolContext) async {
        let records = await context.input.all()
        let diagnostics = context.diagnostics
        diagnostics.progress("resolving \(records.count) records")
        let reporter = Reporter(context: context)
        let outcomes = OrderedOutcomes(count: records.count, context: context)
        let results = await Concurrently.map(records) { await resolve($0, reporter, context) }
        var targets: [Pending] = []
        for (i, result) in results.enumerated() {
            switch result {
            case .done(let record): outcomes.settle(i, record)
            case .target(let record, let registry, let target):
                targets.append(Pending(index: i, record: record, registry: registry, target: target))
            }
        }
        let stop = interruption ?? Interruption(diagnostics: diagnostics)
        if options.tagOnly {
            await removeTags(targets, outcomes, reporter, stop, context)
        } else {
            await removeManifests(targets, outcomes, reporter, stop, context)
        }
        summarize(outcomes.records, diagnostics)
    }

    /// A selected manifest on its way to an outcome.
    struct Pending: Sendable {
        let index: Int
        let record: Record
        let registry: RegistryAddress
        let target: RemovalPlan.Target
    }

    // MARK: - Resolving

    func resolve(_ record: Record, _ reporter: Reporter, _ context: ToolContext) async -> Resolution {
        guard record.error == nil else { return .done(record) }
        var out = record
        do {
            let registry = try record.registryAddress()
            let repo = try record.repository()
            if options.tagOnly && record.tag == nil {
                throw RecordFieldError.missing(
                    Record.Field.tag, in: record, hint: "--tag-only removes tags; this record names only a digest")
            }
            guard let reference = record.tag ?? record.digest else {
                throw RecordFieldError.missing("tag or digest", in: record, hint: "pipe through reg-tags first")
            }
            let head: ManifestHead
            do {
                head = try await context.client.head(registry, repo: repo, reference: reference)
            } catch RegistryError.notFound {
                out.status = Record.Status.absent
                return .done(out)
            }
            // The digest the tag pointed at when the record was made: for one platform's record
            // (reg-manifest --expand), its index.
            if record.tag != nil, let expected = record.tagDigest, expected != head.digest.description {
                out.status = Record.Status.kept
                out.reason = "the tag now points at \(head.digest), not at the record's \(expected); resolve it again"
                return .done(out)
            }
            // A record of one platform selects its tag's whole image.
            if record.platform != nil {
                out.platform = nil
                out.index = nil
                out.mediaType = head.mediaType
                out.size = head.size
            }
            out.digest = head.digest.description
            var children: [Digest] = []
            if MediaType.isIndex(head.mediaType) && !options.tagOnly {
                let walk = ImageWalk(source: RegistryStore(registry: registry, client: context.client))
                children = try await walk.graph(repo, reference: head.digest.description, reach: .indexes).descendantDigests
            }
            let target = RemovalPlan.Target(
                registry: registry.name, repo: repo, tag: record.tag, digest: head.digest, children: children)
            return .target(out, registry, target)
        } catch {
            return .done(reporter.failed(record, error))
        }
    }

    // MARK: - Deleting manifests

    private func removeManifests(
        _ targets: [Pending], _ outcomes: OrderedOutcomes, _ reporter: Reporter, _ stop: Interruption, _ context: ToolContext
    ) async {
        var plan = RemovalPlan(scope: options.scope)
        // Registry-wide failures: every record on that registry fails with it.
        var failures: [String: any Error] = [:]
        var registries: [RegistryAddress] = []
        for entry in targets where !registries.contains(entry.registry) { registries.append(entry.registry) }
        if !options.force {
            for registry in registries {
                let selected = targets.filter { $0.registry == registry }.map(\.target)
                do {
                    try await ReverseCheck(scope: options.scope).scan(registry, selection: selected, into: &plan, context)
                } catch {
                    failures[registry.name] = ReverseCheckError(registry: registry, scope: options.scope, cause: error)
                }
            }
        }
        if options.dryRun {
            // A dry run must not promise what the registry would refuse: probe it harmlessly.
            for registry in registries where failures[registry.name] == nil {
                let repo = targets.first { $0.registry == registry }!.target.repo
                if case .failure(let refusal) = await reporter.attempt(
                    registry,
                    {
                        try await TagRemover.probeDeletion(context.client, registry, repo: repo)
                    })
                {
                    failures[registry.name] = refusal
                }
            }
        }
        let decisions = plan.decide(targets.map(\.target), force: options.force)
        var deletable: [Int] = []
        for (k, entry) in targets.enumerated() {
            var record = entry.record
            if let error = failures[entry.registry.name] {
                outcomes.settle(entry.index, reporter.failed(record, error))
                continue
            }
            switch decisions[k] {
            case .kept(let reason):
                record.status = Record.Status.kept
                record.reason = reason
                outcomes.settle(entry.index, record)
            case .delete:
                if options.dryRun {
                    record.status = Record.Status.wouldDelete
                    outcomes.settle(entry.index, record)
                } else {
                    deletable.append(k)
                }
            }
        }
        guard !deletable.isEmpty else { return }
        // Each manifest once, in phases (indexes before what they list); every record of a
        // manifest settles when its deletion ends.
        var recordsOf: [[String]: [Int]] = [:]
        for k in deletable { recordsOf[Self.key(targets[k]), default: []].append(k) }
        let jobs = context.client.options.jobs
        let sharing = recordsOf
        // Only from here on is anything changed: until now a signal ends the run at once.
        await stop.changing {
            await deletePhases(deletable.map { targets[$0] }, sharing, targets, outcomes, reporter, stop, jobs)
        }
    }

    /// Deletes each manifest once, phase after phase, settling every record that shares it.
    private func deletePhases(
        _ entries: [Pending], _ sharing: [[String]: [Int]], _ targets: [Pending], _ outcomes: OrderedOutcomes,
        _ reporter: Reporter, _ stop: Interruption, _ jobs: Int
    ) async {
        // A manifest listed by an index that is still there (its deletion failed or never
        // started): the index it is listed by. It stays, or that index's tag would point at a
        // half-deleted image.
        var listedBy: [[String]: Digest] = [:]
        for phase in RemovalPlan.deletionPhases(entries.map(\.target)) {
            let current = phase.map { entries[$0] }
            let standing = listedBy
            let gone = await Concurrently.map(current, width: jobs) { entry -> Bool in
                let result: Result<Bool, any Error>
                if let signal = stop.signal {
                    result = .failure(InterruptedError(signal: signal))
                } else if let index = standing[Self.key(entry)] {
                    for k in sharing[Self.key(entry)] ?? [] {
                        var record = targets[k].record
                        record.status = Record.Status.kept
                        record.reason = "the index \(index), which lists it, was not deleted"
                        outcomes.settle(targets[k].index, record)
                    }
                    return false
                } else {
                    result = await reporter.delete(
                        entry.registry, repo: entry.target.repo, digest: entry.target.digest.description)
                }
                for k in sharing[Self.key(entry)] ?? [] {
                    var record = targets[k].record
                    switch result {
                    case .success(let deleted): record.status = deleted ? Record.Status.deleted : Record.Status.absent
                    case .failure(let error): record = reporter.failed(record, error)
                    }
                    outcomes.settle(targets[k].index, record)
                }
                if case .success = result { return true }
                return false
            }
            for (entry, deleted) in zip(current, gone) where !deleted {
                for child in entry.target.children {
                    listedBy[[entry.registry.name, entry.target.repo, child.description]] = entry.target.digest
                }
            }
        }
    }

    private static func key(_ entry: Pending) -> [String] {
        [entry.registry.name, entry.target.repo, entry.target.digest.description]
    }

    // MARK: - Removing tags

    private func removeTags(
        _ targets: [Pending], _ outcomes: OrderedOutcomes, _ reporter: Reporter, _ stop: Interruption, _ context: ToolContext
    ) async {
        let remover = TagRemover(client: context.client)
        if options.dryRun {
            await removeTags(targets, remover, outcomes, reporter, stop, context)
        } else {
            await stop.changing { await removeTags(targets, remover, outcomes, reporter, stop, context) }
        }
    }

    private func removeTags(
        _ targets: [Pending], _ remover: TagRemover, _ outcomes: OrderedOutcomes, _ reporter: Reporter,
        _ stop: Interruption, _ context: ToolContext
    ) async {
        _ = await Concurrently.map(targets, width: context.client.options.jobs) { entry in
            var record = entry.record
            let result: Result<TagRemover.Outcome, any Error>
            if let signal = stop.signal {
                result = .failure(InterruptedError(signal: signal))
            } else if options.dryRun {
                // The harmless probe: a registry with deletion disabled is said, not promised.
                result = await reporter.attempt(entry.registry) {
                    try await TagRemover.probeDeletion(context.client, entry.registry, repo: entry.target.repo)
                    return .removed
                }
            } else {
                // Once started, a removal runs to its end: the placeholder fallback is two
                // requests, and stopping between them would leave the tag on the placeholder.
                result = await reporter.attempt(entry.registry) {
                    try await remover.remove(
                        entry.registry, repo: entry.target.repo, tag: entry.target.tag ?? "", digest: entry.target.digest)
                }
            }
            switch result {
            case .success(.removed): record.status = options.dryRun ? Record.Status.wouldDelete : Record.Status.deleted
            case .success(.absent): record.status = Record.Status.absent
            case .success(.moved(let digest)):
                record.status = Record.Status.kept
                record.reason = "the tag moved to \(digest) while reg-rm ran; resolve it again"
            case .failure(let error): record = reporter.failed(record, error)
            }
            outcomes.settle(entry.index, record)
            return true
        }
    }

    // MARK: - Reporting

    private func summarize(_ records: [Record], _ diagnostics: Diagnostics) {
        var counts: [String: Int] = [:]
        for record in records { counts[record.error != nil ? "failed" : record.status ?? "passed", default: 0] += 1 }
        if !options.dryRun, counts[Record.Status.deleted, default: 0] > 0 {
            diagnostics.emit(
                "note: the registry frees blob space only when its garbage collection runs (registry garbage-collect --delete-untagged CONFIG)"
            )
        }
        let order = [
            Record.Status.deleted, Record.Status.wouldDelete, Record.Status.kept, Record.Status.absent, "failed", "passed",
        ]
        diagnostics.verbose(order.compactMap { key in counts[key].map { "\($0) \(key)" } }.joined(separator: ", "))
    }
}

/// Deletions and their refusals: once a registry refuses (deletion disabled, no
/// permission), no further delete is sent to it and its error is reported once.
final class Reporter: Sendable {
    private let context: ToolContext
    private let state = Mutex<(refused: [String: any Error], reported: Set<String>)>(([:], []))

    init(context: ToolContext) { self.context = context }

    /// Deletes one manifest by digest: true when deleted, false when already gone.
    func delete(_ registry: RegistryAddress, repo: String, digest: String) async -> Result<Bool, any Error> {
        await attempt(registry) { try await self.context.client.deleteManifest(registry, repo: repo, reference: digest) }
    }

    /// Runs one deletion against `registry`, unless it has refused one already.
    func attempt<T: Sendable>(_ registry: RegistryAddress, _ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
        if let refusal = state.withLock({ $0.refused[registry.name] }) { return .failure(refusal) }
        do {
            return .success(try await body())
        } catch {
            if ToolContext.isTrouble(error) {
                state.withLock { $0.refused[registry.name] = $0.refused[registry.name] ?? error }
            }
            return .failure(error)
        }
    }

    /// Marks `record` failed, saying each distinct error once on standard error, and a
    /// registry's refusal once for all its records.
    func failed(_ record: Record, _ error: any Error) -> Record {
        let message = "\(error)"
        let key = ToolContext.isTrouble(error) ? "refused by " + (record.registry ?? "") : message
        let first = state.withLock { $0.reported.insert(key).inserted }
        if first { return context.failed(record, error) }
        var record = record
        record.error = message
        context.diagnostics.fail(ToolContext.isTrouble(error) ? 2 : 1)
        return record
    }
}

/// The reverse check could not list or resolve every tag in scope, so nothing
/// on that registry is deleted.
struct ReverseCheckError: TroubleReporting, CustomStringConvertible {
    let registry: RegistryAddress
    let scope: RemovalScope
    let cause: any Error

    /// Deleting nothing on a registry is trouble whatever stopped the check.
    var isTrouble: Bool { true }

    var description: String {
        let hint = scope == .registry ? " (--scope repo checks only the selection's repositories, without the catalog)" : ""
        return "\(registry.written): not deleting: the check for other tags failed: \(cause)\(hint)"
    }
}
