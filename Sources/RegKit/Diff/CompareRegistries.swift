/// `reg-diff`: compares the reference (the input records) with each target at
/// every level the input implies: repositories, tags, and each tag's digest.
///
/// What the input lacks (tags of a repository record, the digest of a tag record)
/// is fetched from the reference registry named in the record; the same is fetched
/// from each target. Digests are compared by HEAD with one `Accept` list on both
/// sides, so a multi-platform image compares by its index digest. Tag order and
/// page sizes never matter. What only a target has is reported only where the
/// input is known to be whole (``Inventory/whole``, ``Inventory/Repository/tagsWhole``):
/// a selection is compared as far as it goes. One output record per difference,
/// with `diff` (`missing`, `changed`, `extra`) and `target`; `changed` adds `found`.
public struct CompareRegistries: RecordOperation {
    public enum Kind: String, Sendable {
        /// The target lacks the repository or tag.
        case missing
        /// The tag's digest differs; `found` holds the target's.
        case changed
        /// The target has a repository, or a tag within a compared repository, that the
        /// reference lacks, where the input is known to be whole.
        case extra
    }

    /// The registries to compare with.
    public var targets: [RegistryAddress]
    /// A saved snapshot of records to compare with as well.
    public var snapshot: String?
    /// Report what only the target has (`extra`); without it, no target's catalog is read.
    public var reportExtras: Bool
    /// The user declares the input each registry's whole catalog, with every tag of
    /// each repository it names (`--catalog`): it is not checked against the registry.
    public var declaredWhole: Bool

    public init(
        targets: [RegistryAddress], snapshot: String? = nil, reportExtras: Bool = true, declaredWhole: Bool = false
    ) {
        self.targets = targets
        self.snapshot = snapshot
        self.reportExtras = reportExtras
        self.declaredWhole = declaredWhole
    }

    /// Reads the reference records (the whole input), runs the comparison and writes the
    /// differences; the exit status says 0 (same), 1 (different) or 2 (trouble: nothing to
    /// compare, or a registry that could not be reached or refused us).
    public func run(_ context: ToolContext) async {
        let input = await context.input.all()
        let diagnostics = context.diagnostics
        var sources: [any DiffTarget] = targets.map { StoreDiffTarget(store: context.store($0)) }
        var trouble = false
        if let snapshot {
            do {
                sources.append(try SnapshotTarget(contentsOf: snapshot, diagnostics: diagnostics))
            } catch {
                diagnostics.error("\(error)", status: 2)
                trouble = true
            }
        }
        let passed = input.filter { $0.error != nil }
        context.emit(passed)
        var inventories = Inventory.group(input, declaredWhole: declaredWhole)
        if inventories.isEmpty {
            diagnostics.error("\(DiffError.nothingToCompare(source: context.input.name, records: input.count))", status: 2)
            trouble = true
        } else if !passed.isEmpty {
            // The reference is incomplete: say so, and never answer "same".
            diagnostics.error("\(passed.count) input records carry an error; the comparison leaves them out")
        }
        guard !trouble else { return }
        do {
            for i in inventories.indices {
                diagnostics.progress(
                    "reference \(inventories[i].registry): tags of \(inventories[i].repositories.count) repositories")
                inventories[i] = try await inventories[i].completed(context, proving: reportExtras)
            }
        } catch {
            diagnostics.error("reference: \(error)", status: 2)
            return
        }
        var counts: [Kind: Int] = [:]
        for target in sources {
            for inventory in inventories {
                do {
                    let differences = try await compare(inventory, with: target, diagnostics)
                    for record in differences {
                        if let kind = record[Record.Field.diff]?.stringValue.flatMap(Kind.init) { counts[kind, default: 0] += 1 }
                    }
                    context.emit(differences)
                } catch {
                    // One line naming the target, not a wall of "missing".
                    diagnostics.error("target \(target.name): \(error)", status: 2)
                }
            }
        }
        let total = counts.values.reduce(0, +)
        if total > 0 { diagnostics.fail(1) }
        diagnostics.verbose(
            "\(total) differences (\(counts[.missing] ?? 0) missing, \(counts[.changed] ?? 0) changed, \(counts[.extra] ?? 0) extra) "
                + "between \(inventories.map(\.registry).joined(separator: ", ")) and \(sources.map(\.name).joined(separator: ", "))"
        )
    }

    /// The differences between one reference registry and one target.
    ///
    /// Each repository is compared on its own (its tag list, then each tag's digest);
    /// the target's catalog is read only to report repositories the reference lacks.
    ///
    /// A repository without tags is the same as no repository, on either side and
    /// whatever the source: distribution keeps a repository in its catalog after its
    /// last tag is deleted (its tag list is `null`), reg-tags writes nothing for it, so
    /// a snapshot cannot hold it, and a replica filled tag by tag never has it.
    func compare(_ inventory: Inventory, with target: any DiffTarget, _ diagnostics: Diagnostics) async throws -> [Record] {
        diagnostics.progress("target \(target.name): comparing \(inventory.repositories.count) repositories")
        let perRepository = try await Concurrently.tryMap(inventory.repositories) { repository in
            try await compare(repository, in: target, failed: inventory.failed.contains(repository.name))
        }
        var out = perRepository.flatMap { $0 }
        if reportExtras && inventory.whole {
            let reference = Set(inventory.repositories.map(\.name)).union(inventory.failed)
            let candidates = try await target.repositories().subtracting(reference).sorted()
            let tagged = try await Concurrently.tryMap(candidates) { repo in
                try await target.repository(repo) != .present(tags: [])
            }
            for (repo, tagged) in zip(candidates, tagged) where tagged {
                var record = Record()
                record.registry = inventory.registry
                record.repo = repo
                out.append(difference(record, .extra, target))
            }
        }
        return out
    }

    /// - Parameter failed: an input record with `error` names the repository, so its
    ///   tags in the input may not be all it has.
    private func compare(_ repository: Inventory.Repository, in target: any DiffTarget, failed: Bool) async throws
        -> [Record]
    {
        let tags = repository.tags ?? []
        let present: Set<String>
        switch try await target.repository(repository.name) {
        case .absent:
            // A repository without tags is the same as no repository (see above). One record
            // says the repository is missing when the input holds all of it; a selection of its
            // tags is reported tag by tag, so that copying the differences (reg-copy reads a
            // repository record as every tag) copies the selection and no more.
            guard !tags.isEmpty else { return [] }
            guard repository.tagsWhole else { return tags.map { difference($0.record, .missing, target) } }
            return [difference(repository.record, .missing, target)]
        case .present(tags: nil):
            return []  // a snapshot that saved the repository alone
        case .present(tags: let names?):
            present = Set(names)
        }
        let compared = try await Concurrently.tryMap(tags) { tag -> Record? in
            guard present.contains(tag.name) else { return difference(tag.record, .missing, target) }
            guard let expected = tag.digest else { return nil }
            switch try await target.tag(tag.name, in: repository.name) {
            case .absent:
                return difference(tag.record, .missing, target)
            case .present(digest: let found?) where found != expected:
                var record = difference(tag.record, .changed, target)
                record[Record.Field.found] = .string(found)
                return record
            case .present:
                return nil  // the same digest, or a snapshot that does not know it
            }
        }
        var out = compared.compactMap { $0 }
        if reportExtras && repository.tagsWhole && !failed {
            let reference = Set(tags.map(\.name))
            for tag in present.subtracting(reference).sorted() {
                var record = repository.record
                record.tag = tag
                out.append(difference(record, .extra, target))
            }
        }
        return out
    }

    private func difference(_ record: Record, _ kind: Kind, _ target: any DiffTarget) -> Record {
        var record = record
        record[Record.Field.diff] = .string(kind.rawValue)
        record[Record.Field.target] = .string(target.name)
        return record
    }
}
