extension Inventory {
    /// Fetches from the reference registry what the input lacks: the tags of a
    /// repository record, the digest of a tag record.
    ///
    /// With `proving`, it also finds out whether the input is whole, so that what a
    /// target alone has can be reported: the tag records of each repository are
    /// checked against its tag list, and the repositories against the catalog (see
    /// ``coversCatalog(_:_:_:)``). Input declared whole (`--catalog`) is not checked.
    ///
    /// - Throws: the registry's answer when a tag list or a digest cannot be fetched.
    func completed(_ context: ToolContext, proving: Bool) async throws -> Inventory {
        let registry = try RegistryAddress(self.registry)
        let store = context.store(registry)
        let diagnostics = context.diagnostics
        var inventory = self
        inventory.repositories = try await Concurrently.tryMap(repositories) { repository in
            var repository = repository
            if let tags = repository.tags {
                if proving && !repository.tagsWhole {
                    let listed = try await Self.tags(of: repository.name, in: store, absentIsEmpty: true)
                    repository.tagsWhole = Set(tags.map(\.name)).isSuperset(of: listed)
                }
            } else {
                let names = try await Self.tags(of: repository.name, in: store, absentIsEmpty: false)
                repository.tags = names.sorted().map { name in
                    var record = repository.record
                    record.tag = name
                    return Inventory.Tag(record: record)
                }
                repository.tagsWhole = true
            }
            let repo = repository.name
            repository.tags = try await Concurrently.tryMap(repository.tags ?? []) { tag in
                guard tag.digest == nil else { return tag }
                var tag = tag
                tag.record.digest = try await store.head(repo, reference: tag.name).digest.description
                return tag
            }
            return repository
        }
        if proving && !inventory.whole {
            inventory.whole = await inventory.coversCatalog(store, jobs: context.client.options.jobs, diagnostics)
        }
        diagnostics.progress(
            "reference \(registry.written): \(inventory.repositories.reduce(0) { $0 + ($1.tags?.count ?? 0) }) digests, "
                + (inventory.whole ? "the whole catalog" : "a selection"))
        return inventory
    }

    /// True when the input names every repository of the registry's catalog that
    /// has a tag, in a record of its own or one with `error` (one catalog listing, then the tag lists of the repositories the
    /// input lacks, until one has a tag: a selection ends at the first).
    ///
    /// A repository without tags does not count: distribution keeps a repository in
    /// its catalog after its last tag is deleted, and reg-tags writes nothing for it.
    /// When the catalog cannot be listed (a registry may serve none, or not to us), the
    /// input is taken as a selection, and a warning says so.
    private func coversCatalog(_ store: any ImageStore, jobs: Int, _ diagnostics: Diagnostics) async -> Bool {
        do {
            var catalog = Set<String>()
            try await store.repositories { catalog.formUnion($0) }
            let unlisted = catalog.subtracting(repositories.map(\.name)).subtracting(failed).sorted()
            let batch = max(jobs, 1)
            for start in stride(from: 0, to: unlisted.count, by: batch) {
                let tagged = try await Concurrently.tryMap(Array(unlisted[start..<min(start + batch, unlisted.count)])) {
                    !(try await Self.tags(of: $0, in: store, absentIsEmpty: true)).isEmpty
                }
                if tagged.contains(true) { return false }
            }
            return true
        } catch {
            diagnostics.warning(
                "reference \(store.name): cannot tell whether the input is its whole catalog (\(error)); "
                    + "repositories only a target has are not reported: --catalog declares the input whole, "
                    + "--no-extra skips this check")
            return false
        }
    }

    /// The tags of `repo` in the reference store; with `absentIsEmpty`, none for a
    /// repository the registry does not have.
    private static func tags(of repo: String, in store: any ImageStore, absentIsEmpty: Bool) async throws -> [String] {
        var names: [String] = []
        do {
            try await store.tags(repo) { names += $0 }
        } catch RegistryError.notFound where absentIsEmpty {
            return []
        }
        return names
    }
}
