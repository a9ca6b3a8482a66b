/// A registry as what reg-diff compares with: the same store the walk and the copier use.
extension RegistryStore: DiffTarget {
    public func repositories() async throws -> Set<String> {
        var all = Set<String>()
        try await client.catalog(registry) { all.formUnion($0) }
        return all
    }

    /// The repository's tag list; a 404 (`NAME_UNKNOWN`) is a repository the registry lacks.
    public func repository(_ repo: String) async throws -> TargetRepository {
        var all: [String] = []
        do {
            try await client.tags(registry, repo: repo) { all += $0 }
        } catch RegistryError.notFound {
            return .absent
        }
        return .present(tags: all)
    }

    public func tag(_ tag: String, in repo: String) async throws -> TargetTag {
        do {
            return .present(digest: try await client.head(registry, repo: repo, reference: tag).digest.description)
        } catch RegistryError.notFound {
            return .absent
        }
    }
}
