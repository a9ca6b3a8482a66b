/// Holds the input when the selection needs all of it (`--keep`, `--sort`), then decides
/// and orders it.
///
/// Only what the decision needs is kept for each record (its repository, tag, time and
/// whether it passed the filters), with a payload of the caller's choosing, such as the
/// input line, so that a large input is not held as decoded records.
public struct SelectionBuffer<Payload> {
    public let selection: Selection
    public let now: Timestamp
    private var entries: [Entry] = []

    private struct Entry {
        let payload: Payload
        let registry: String
        let repo: String
        let tag: String?
        let created: Timestamp?
        let isError: Bool
        /// Passed the filters (before keep and invert).
        let passes: Bool
        let digest: Digest?
        /// For a signature, attestation or SBOM tag: the image it is attached to.
        let subject: Digest?
        /// For one platform's record (reg-manifest --expand): the index of its tag's image.
        let index: String?
    }

    /// - Parameter now: the time the run started, for durations.
    public init(selection: Selection, now: Timestamp) {
        self.selection = selection
        self.now = now
    }

    /// The number of records held.
    public var count: Int { entries.count }

    /// Takes a record in input order. Records outside the shard are not held.
    /// - Throws: ``SelectionError`` when the record lacks a `created` field the selection needs;
    ///   the record is not held.
    public mutating func append(_ record: Record, payload: Payload) throws(SelectionError) {
        guard selection.inShard(record) else { return }
        let isError = record.error != nil
        let subject = record.tag.flatMap(ReferrerTag.subject)
        // A signature needs no date of its own: it follows its image, and an orphan without
        // one passes no date filter (it is kept). A referrers fallback index has none.
        let created =
            isError ? nil : subject != nil ? (try? selection.created(of: record)) ?? nil : try selection.created(of: record)
        let passes = !isError && selection.passesFilters(record, created: created, now: now)
        entries.append(
            Entry(
                payload: payload, registry: record.registry ?? "", repo: record.repo ?? "", tag: record.tag,
                created: created, isError: isError, passes: passes,
                // One platform's record (reg-manifest --expand) stands for its index, which a
                // signature names.
                digest: record.tagDigest.flatMap(Digest.init), subject: subject,
                index: record.platform != nil ? record.index : nil))
    }

    /// The payloads of the records that pass, in output order: sorted by ``Selection/sort``
    /// (records with an `error` first, in input order; ties in input order), else in input order.
    public func result() -> [Payload] {
        let needsVersions =
            selection.sort == .version || selection.sort == .created || selection.keep != nil
        // Each tag read once, not at every comparison.
        let versions: [LooseVersion?] = needsVersions ? entries.map { $0.tag.flatMap(LooseVersion.init) } : []
        let followers = followersOfImages()
        let platforms = platformGroups()
        let retained = retainedByKeep(versions: versions, followers: followers, platforms: platforms)
        var decided = entries.indices.map { i in (entries[i].passes && !retained[i]) != selection.invert }
        // The platform records of one image pass together or not at all: reg-rm deletes the
        // whole image for any of them.
        for members in platforms {
            let together = members.allSatisfy { decided[$0] }
            for i in members { decided[i] = together }
        }
        // A signature passes exactly when every record of its image passes.
        for (i, images) in followers { decided[i] = images.allSatisfy { decided[$0] } }
        var chosen: [Int] = []
        chosen.reserveCapacity(entries.count)
        for i in entries.indices where entries[i].isError || decided[i] { chosen.append(i) }
        if let key = selection.sort { chosen = sorted(chosen, by: key, versions: versions) }
        return chosen.map { entries[$0].payload }
    }

    /// The signature, attestation and SBOM tags whose image is in the input, each with the
    /// records of that image (same registry and repository, that digest, not themselves attached).
    private func followersOfImages() -> [Int: [Int]] {
        guard entries.contains(where: { $0.subject != nil }) else { return [:] }
        var images: [ImageKey: [Int]] = [:]
        for (i, entry) in entries.enumerated() where !entry.isError && entry.subject == nil {
            if let digest = entry.digest {
                images[ImageKey(registry: entry.registry, repo: entry.repo, digest: digest), default: []].append(i)
            }
        }
        var followers: [Int: [Int]] = [:]
        for (i, entry) in entries.enumerated() where !entry.isError {
            guard let subject = entry.subject,
                let image = images[ImageKey(registry: entry.registry, repo: entry.repo, digest: subject)]
            else { continue }
            followers[i] = image
        }
        return followers
    }

    /// The repositories whose `created` times cannot order their images: two or more, all
    /// equal, or all at the epoch or before (reproducible builds stamp 1970-01-01, cosign
    /// 0001-01-01). Signature tags that follow their image are not counted.
    /// - Returns: one sentence per repository, for a warning.
    public func indistinctTimes() -> [String] {
        guard selection.optionNeedingCreated != nil else { return [] }
        let followers = followersOfImages()
        var groups: [RepositoryKey: [Timestamp]] = [:]
        var order: [RepositoryKey] = []
        for (i, entry) in entries.enumerated() where !entry.isError && followers[i] == nil {
            guard let created = entry.created else { continue }
            let key = RepositoryKey(registry: entry.registry, repo: entry.repo)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(created)
        }
        let epoch = Timestamp(seconds: 0)
        return order.compactMap { key in
            let times = groups[key]!
            guard times.count > 1, Set(times).count == 1 || times.allSatisfy({ !(epoch < $0) }) else { return nil }
            let when =
                Set(times).count == 1
                ? "the same created time, \(times[0])" : "created times at the epoch or before (newest \(times.max()!))"
            return "\(key.registry)/\(key.repo): all \(times.count) images have \(when), as reproducible builds and "
                + "signing tools stamp them: ages cannot tell them apart; ties go by tag version"
        }
    }

    /// Marks the records that pass the filters but that `--keep` holds back: the N newest of each
    /// (registry, repo), and, ranking by version, those whose tag is not a version.
    /// The platform records (reg-manifest --expand) of each image with more than one: the
    /// records of one tag that name one index.
    private func platformGroups() -> [[Int]] {
        var groups: [[String]: [Int]] = [:]
        var order: [[String]] = []
        for (i, entry) in entries.enumerated() where !entry.isError {
            guard let index = entry.index, let tag = entry.tag else { continue }
            let key = [entry.registry, entry.repo, tag, index]
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        return order.compactMap { groups[$0]!.count > 1 ? groups[$0] : nil }
    }

    private func retainedByKeep(versions: [LooseVersion?], followers: [Int: [Int]], platforms: [[Int]]) -> [Bool] {
        var retained = [Bool](repeating: false, count: entries.count)
        guard let keep = selection.keep else { return retained }
        // An image of several platform records counts once: the record with its newest time
        // stands for it, and only when all its records passed the filters.
        var standIn: [Int: [Int]] = [:]
        var represented: Set<Int> = []
        for members in platforms {
            represented.formUnion(members)
            guard members.allSatisfy({ entries[$0].passes }) else { continue }
            let newest = members.max { a, b in
                switch (entries[a].created, entries[b].created) {
                case (let x?, let y?): return x < y || (x == y && a > b)
                case (nil, .some): return true
                default: return a > b
                }
            }!
            standIn[newest] = members
        }
        var groups: [RepositoryKey: [Int]] = [:]
        for (i, entry) in entries.enumerated()
        where entry.passes && followers[i] == nil && (!represented.contains(i) || standIn[i] != nil) {
            groups[RepositoryKey(registry: entry.registry, repo: entry.repo), default: []].append(i)
        }
        defer {
            for (i, members) in standIn where retained[i] { for member in members { retained[member] = true } }
        }
        for members in groups.values {
            var ranked: [Int]
            switch selection.keepOrder {
            case .version:
                ranked = []
                for i in members {
                    if versions[i] != nil { ranked.append(i) } else { retained[i] = true }
                }
                ranked.sort { a, b in
                    let order = LooseVersion.sortOrder(versions[a]!, versions[b]!)
                    return order == .same ? a < b : order == .ascending
                }
            case .created:
                ranked = byCreated(members, versions: versions)
            }
            for i in ranked.suffix(keep) { retained[i] = true }
        }
        return retained
    }

    private func sorted(_ indices: [Int], by key: Selection.SortKey, versions: [LooseVersion?]) -> [Int] {
        let errors = indices.filter { entries[$0].isError }
        var records = indices.filter { !entries[$0].isError }
        switch key {
        case .name:
            let rank = repositoryRanks(records)
            records.sort { a, b in
                if rank[a] != rank[b] { return rank[a] < rank[b] }
                return Self.order(entries[a].tag ?? "", entries[b].tag ?? "") ?? (a < b)
            }
        case .created:
            records = byCreated(records, versions: versions)
        case .version:
            let rank = repositoryRanks(records)
            records.sort { a, b in
                if rank[a] != rank[b] { return rank[a] < rank[b] }
                switch (versions[a], versions[b]) {
                case (let v?, let w?):
                    let order = LooseVersion.sortOrder(v, w)
                    if order != .same { return order == .ascending }
                case (.some, nil):
                    return true
                case (nil, .some):
                    return false
                case (nil, nil):
                    if let order = Self.order(entries[a].tag ?? "", entries[b].tag ?? "") { return order }
                }
                return a < b
            }
        }
        return errors + records
    }

    /// For each entry among `indices`, the place of its (registry, repo) in byte order, so that
    /// sorting compares the few distinct repositories once rather than at every comparison.
    private func repositoryRanks(_ indices: [Int]) -> [Int] {
        var ids: [RepositoryKey: Int] = [:]
        var idOf = [Int](repeating: 0, count: entries.count)
        for i in indices {
            let key = RepositoryKey(registry: entries[i].registry, repo: entries[i].repo)
            if let id = ids[key] {
                idOf[i] = id
            } else {
                idOf[i] = ids.count
                ids[key] = ids.count
            }
        }
        let keys = ids.sorted { Self.order($0.key.registry, $1.key.registry) ?? Self.order($0.key.repo, $1.key.repo) ?? false }
        var rankOfId = [Int](repeating: 0, count: keys.count)
        for (rank, element) in keys.enumerated() { rankOfId[element.value] = rank }
        return idOf.map { rankOfId[$0] }
    }

    /// Older first. Records with equal times keep the places they take in input order, and each
    /// repository's records among them are put in those places by tag version (1.0.9 before
    /// 1.0.10, versions before other tags, as `--sort version`): one comparison that mixed
    /// versions with input order was not an order at all, and `--keep` kept an older version.
    private func byCreated(_ indices: [Int], versions: [LooseVersion?]) -> [Int] {
        var order = indices.sorted { a, b in
            let (x, y) = (entries[a].created!, entries[b].created!)
            return x != y ? x < y : a < b
        }
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && entries[order[end]].created == entries[order[start]].created { end += 1 }
            var places: [RepositoryKey: [Int]] = [:]
            for place in start..<end {
                places[RepositoryKey(registry: entries[order[place]].registry, repo: entries[order[place]].repo), default: []]
                    .append(place)
            }
            for slots in places.values where slots.count > 1 {
                let members = slots.map { order[$0] }.sorted { a, b in Self.byVersion(a, b, versions) }
                for (slot, member) in zip(slots, members) { order[slot] = member }
            }
            start = end
        }
        return order
    }

    /// Versions in version order, then other tags; input order between equals.
    private static func byVersion(_ a: Int, _ b: Int, _ versions: [LooseVersion?]) -> Bool {
        switch (versions[a], versions[b]) {
        case (let v?, let w?):
            let order = LooseVersion.sortOrder(v, w)
            return order == .same ? a < b : order == .ascending
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }

    /// `a < b` by UTF-8 bytes, or nil when equal.
    private static func order(_ a: String, _ b: String) -> Bool? {
        a == b ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private struct RepositoryKey: Hashable {
        let registry: String
        let repo: String
    }

    private struct ImageKey: Hashable {
        let registry: String
        let repo: String
        let digest: Digest
    }
}

extension Selection {
    /// Applies the whole selection to all of `records`: shard, filters, keep, invert and sort.
    /// - Parameters:
    ///   - now: the time the run started, for durations.
    ///   - failed: called for each record left out because it lacks a `created` field it needs.
    /// - Returns: the records that pass, in output order.
    public func select(
        _ records: [Record], now: Timestamp, failed: (Record, SelectionError) -> Void = { _, _ in }
    ) -> [Record] {
        var buffer = SelectionBuffer<Record>(selection: self, now: now)
        for record in records {
            do {
                try buffer.append(record, payload: record)
            } catch {
                failed(record, error)
            }
        }
        return buffer.result()
    }
}
