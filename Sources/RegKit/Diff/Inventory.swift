/// What the reference side of `reg-diff` holds: repositories, their tags and the
/// tags' digests, in input order, as given by the input records or fetched.
public struct Inventory: Sendable {
    /// One tag and the record it came from.
    public struct Tag: Sendable {
        public var record: Record
        public var name: String { record.tag ?? "" }
        public var digest: String? { record.digest }

        /// The tag of `record`. A record of one platform (`reg-manifest --expand`)
        /// stands for its tag's whole image: its digest is the index's, and the
        /// fields that describe the platform's manifest are dropped.
        init(record: Record) {
            var record = record
            if record.platform != nil {
                let digest = record.tagDigest
                for field in [Record.Field.platform, Record.Field.index, Record.Field.mediaType, Record.Field.size] {
                    record[field] = nil
                }
                record.digest = digest
            }
            self.record = record
        }
    }

    /// One repository; `tags` is nil until known (the input named only the repository).
    public struct Repository: Sendable {
        public var record: Record
        public var tags: [Tag]?
        /// True when `tags` are all the tags the registry has: fetched from it, checked
        /// against its tag list, or declared by `--catalog`. Only then does a tag the
        /// target alone has count as a difference.
        public var tagsWhole: Bool
        public var name: String { record.repo ?? "" }
    }

    /// The registry as written in the records.
    public var registry: String
    /// True when the repositories are the registry's whole catalog: declared by
    /// `--catalog`, or checked against the registry's own catalog. Only then does a
    /// repository the target alone has count as a difference: repository records
    /// alone do not prove it (`reg-ls a | reg-select --repo ...` gives some).
    public var whole: Bool
    public var repositories: [Repository]
    /// Repositories that input records with `error` name: the input holds only part of
    /// them, so nothing of them counts as only the target's.
    public var failed: Set<String> = []

    /// Groups records by registry, in the order they first appear.
    /// Records with `error` are left out (the repositories they name go to ``failed``);
    /// the caller passes them on.
    /// - Parameter declaredWhole: the user declared every registry's input whole (`--catalog`).
    public static func group(_ records: [Record], declaredWhole: Bool) -> [Inventory] {
        var inventories: [Inventory] = []
        var byRegistry: [String: Int] = [:]
        var repoIndex: [String: [String: Int]] = [:]
        var tagIndex: [String: [String: [String: Int]]] = [:]
        var failed: [String: Set<String>] = [:]
        for record in records {
            guard let registry = record.registry, let repo = record.repo else { continue }
            guard record.error == nil else {
                failed[registry, default: []].insert(repo)
                continue
            }
            let i: Int
            if let known = byRegistry[registry] {
                i = known
            } else {
                i = inventories.count
                byRegistry[registry] = i
                inventories.append(Inventory(registry: registry, whole: declaredWhole, repositories: []))
            }
            let r: Int
            if let known = repoIndex[registry]?[repo] {
                r = known
            } else {
                r = inventories[i].repositories.count
                repoIndex[registry, default: [:]][repo] = r
                let isRepositoryRecord = record.tag == nil && record.digest == nil
                var repositoryRecord = isRepositoryRecord ? record : Record()
                repositoryRecord.registry = registry
                repositoryRecord.repo = repo
                inventories[i].repositories.append(Repository(record: repositoryRecord, tags: nil, tagsWhole: declaredWhole))
            }
            guard let name = record.tag else { continue }
            let tag = Tag(record: record)
            if let t = tagIndex[registry]?[repo]?[name] {
                // One tag in several records (one per platform, or saved twice): compared once.
                if inventories[i].repositories[r].tags![t].digest == nil {
                    inventories[i].repositories[r].tags![t].record.digest = tag.digest
                }
            } else {
                tagIndex[registry, default: [:]][repo, default: [:]][name] = inventories[i].repositories[r].tags?.count ?? 0
                inventories[i].repositories[r].tags = (inventories[i].repositories[r].tags ?? []) + [tag]
            }
        }
        for i in inventories.indices { inventories[i].failed = failed[inventories[i].registry] ?? [] }
        return inventories
    }
}
