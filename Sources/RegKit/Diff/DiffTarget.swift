/// What `reg-diff` compares the reference with: a live registry or a snapshot file.
public protocol DiffTarget: Sendable {
    /// How output records name the target: the registry as written, or the snapshot's path.
    var name: String { get }
    /// True when the target knows tags (a snapshot of `reg-ls` alone does not).
    var hasTags: Bool { get }
    /// True when the target knows digests.
    var hasDigests: Bool { get }
    /// Every repository of the target.
    func repositories() async throws -> Set<String>
    /// The tags of `repo`, or nil when the target has no such repository.
    func tags(of repo: String) async throws -> [String]?
    /// The digest of `repo:tag`, or nil when the target has no such tag.
    func digest(of repo: String, tag: String) async throws -> String?
}

/// A registry reached over the network.
public struct LiveTarget: DiffTarget {
    public let registry: RegistryAddress
    public let client: RegistryClient

    public init(registry: RegistryAddress, client: RegistryClient) {
        self.registry = registry
        self.client = client
    }

    public var name: String { registry.written }
    public var hasTags: Bool { true }
    public var hasDigests: Bool { true }

    public func repositories() async throws -> Set<String> {
        var all = Set<String>()
        try await client.catalog(registry) { all.formUnion($0) }
        return all
    }

    public func tags(of repo: String) async throws -> [String]? {
        var all: [String] = []
        do {
            try await client.tags(registry, repo: repo) { all += $0 }
        } catch RegistryError.notFound {
            return nil
        }
        return all
    }

    public func digest(of repo: String, tag: String) async throws -> String? {
        do {
            return try await client.head(registry, repo: repo, reference: tag).digest.description
        } catch RegistryError.notFound {
            return nil
        }
    }
}

/// A saved inventory (`reg-ls | reg-tags | reg-manifest > snap.ndjson`), used as given.
public struct SnapshotTarget: DiffTarget {
    public let name: String
    private let repos: [String: [String: String?]]
    public let hasTags: Bool
    public let hasDigests: Bool

    /// - Parameter records: the snapshot's records; those with `error` are ignored.
    public init(name: String, records: [Record]) {
        self.name = name
        var repos: [String: [String: String?]] = [:]
        var hasTags = false
        var hasDigests = false
        for record in records where record.error == nil {
            guard let repo = record.repo else { continue }
            if repos[repo] == nil { repos[repo] = [:] }
            if let tag = record.tag {
                hasTags = true
                if record.digest != nil { hasDigests = true }
                repos[repo]![tag] = record.digest
            }
        }
        self.repos = repos
        self.hasTags = hasTags
        self.hasDigests = hasDigests
    }

    public func repositories() async throws -> Set<String> { Set(repos.keys) }
    public func tags(of repo: String) async throws -> [String]? { repos[repo].map { Array($0.keys) } }
    public func digest(of repo: String, tag: String) async throws -> String? { repos[repo]?[tag] ?? nil }
}
