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
        let created = isError ? nil : try selection.created(of: record)
        let passes = !isError && selection.passesFilters(record, created: created, now: now)
        entries.append(
            Entry(
                payload: payload, registry: record.registry ?? "", repo: record.repo ?? "", tag: record.tag,
                created: created, isError: isError, passes: passes))
    }

    /// The payloads of the records that pass, in output order: sorted by ``Selection/sort``
    /// (records with an `error` first, in input order; ties in input order), else in input order.
    public func result() -> [Payload] {
        let needsVersions = selection.sort == .version || (selection.keep != nil && selection.keepOrder == .version)
        // Each tag read once, not at every comparison.
        let versions: [LooseVersion?] = needsVersions ? entries.map { $0.tag.flatMap(LooseVersion.init) } : []
        let retained = retainedByKeep(versions: versions)
        var chosen: [Int] = []
        chosen.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated()
        where entry.isError || ((entry.passes && !retained[i]) != selection.invert) {
            chosen.append(i)
        }
        if let key = selection.sort { chosen = sorted(chosen, by: key, versions: versions) }
        return chosen.map { entries[$0].payload }
    }

    /// Marks the records that pass the filters but that `--keep` holds back: the N newest of each
    /// (registry, repo), and, ranking by version, those whose tag is not a version.
    private func retainedByKeep(versions: [LooseVersion?]) -> [Bool] {
        var retained = [Bool](repeating: false, count: entries.count)
        guard let keep = selection.keep else { return retained }
        var groups: [RepositoryKey: [Int]] = [:]
        for (i, entry) in entries.enumerated() where entry.passes {
            groups[RepositoryKey(registry: entry.registry, repo: entry.repo), default: []].append(i)
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
                ranked = members.sorted { a, b in
                    let (x, y) = (entries[a].created!, entries[b].created!)
                    return x != y ? x < y : a < b
                }
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
            records.sort { a, b in
                let (x, y) = (entries[a].created!, entries[b].created!)
                return x != y ? x < y : a < b
            }
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

    /// `a < b` by UTF-8 bytes, or nil when equal.
    private static func order(_ a: String, _ b: String) -> Bool? {
        a == b ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private struct RepositoryKey: Hashable {
        let registry: String
        let repo: String
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
