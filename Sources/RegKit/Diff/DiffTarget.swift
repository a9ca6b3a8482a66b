#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `reg-diff` compares the reference with: a live registry or a snapshot file.
///
/// A target is asked one repository and one tag at a time, so that a comparison
/// that reports nothing the target alone has never needs its catalog (pull-through
/// caches serve none).
public protocol DiffTarget: Sendable {
    /// How output records name the target: the registry as written, or the snapshot's path.
    var name: String { get }
    /// Every repository of the target; asked only to report those the reference lacks.
    func repositories() async throws -> Set<String>
    /// What the target holds of `repo`.
    func repository(_ repo: String) async throws -> TargetRepository
    /// What the target holds of `repo:tag`.
    func tag(_ tag: String, in repo: String) async throws -> TargetTag
}

/// What a target holds of one repository.
public enum TargetRepository: Sendable, Equatable {
    /// No such repository.
    case absent
    /// The repository and its tags; `tags` is nil when the target does not know them
    /// (a snapshot of repositories alone).
    case present(tags: [String]?)
}

/// What a target holds of one tag.
public enum TargetTag: Sendable, Equatable {
    /// No such tag.
    case absent
    /// The tag and its digest; `digest` is nil when the target does not know it (a
    /// snapshot saved without digests).
    case present(digest: String?)
}

/// A saved inventory (`reg-ls | reg-tags | reg-manifest > snap.ndjson`), used as given.
///
/// Each repository is known at the level its records give: a repository record
/// alone tells the repository, tag records its tags, and records with a digest the
/// tags' digests (for one platform's record, `reg-manifest --expand`, its `index`).
/// A record with `error` tells only that what it names was there: a tag with no
/// digest, or a repository whose tags are not known.
public struct SnapshotTarget: DiffTarget {
    /// What the snapshot holds of one repository.
    private struct Saved: Sendable {
        /// The tags its records name; empty when it was saved as a repository record alone.
        var tags: Set<String> = []
        /// A record with `error` names the repository and no tag: its tag list failed.
        var tagsFailed = false
        /// The digest of each tag that some record gives one for.
        var digests: [String: String] = [:]
    }

    public let name: String
    private let repos: [String: Saved]

    /// - Parameter records: the snapshot's records.
    public init(name: String, records: [Record]) {
        self.name = name
        var repos: [String: Saved] = [:]
        for record in records {
            guard let repo = record.repo else { continue }
            var saved = repos[repo] ?? Saved()
            if record.error != nil {
                if let tag = record.tag { saved.tags.insert(tag) } else { saved.tagsFailed = true }
            } else if let tag = record.tag {
                saved.tags.insert(tag)
                // Records of one tag may come with and without a digest: the one that has it tells.
                if saved.digests[tag] == nil, let digest = record.tagDigest { saved.digests[tag] = digest }
            }
            repos[repo] = saved
        }
        self.repos = repos
    }

    /// Reads the snapshot saved at `path`; a malformed line is reported and skipped, and
    /// so are records with `error`, once: the snapshot is incomplete (exit status 1).
    /// - Throws: ``DiffError`` when it cannot be opened, or holds no record to compare.
    public init(contentsOf path: String, diagnostics: Diagnostics) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DiffError.unreadable(path: path, code: errno) }
        defer { close(fd) }
        let input = RecordInput(fd: fd, name: path, diagnostics: diagnostics)
        var records: [Record] = []
        while let record = input.next() { records.append(record) }
        guard records.contains(where: { $0.error == nil && $0.repo != nil }) else {
            throw DiffError.nothingToCompare(source: path, records: records.count)
        }
        self.init(name: path, records: records)
        let failed = records.count { $0.error != nil }
        if failed > 0 {
            diagnostics.error(
                "\(path): \(failed) records carry an error; what they name is taken as present and not compared further")
        }
    }

    public func repositories() async throws -> Set<String> { Set(repos.keys) }

    public func repository(_ repo: String) async throws -> TargetRepository {
        guard let saved = repos[repo] else { return .absent }
        return .present(tags: saved.tags.isEmpty || saved.tagsFailed ? nil : saved.tags.sorted())
    }

    public func tag(_ tag: String, in repo: String) async throws -> TargetTag {
        guard let saved = repos[repo], saved.tags.contains(tag) else { return .absent }
        return .present(digest: saved.digests[tag])
    }
}
