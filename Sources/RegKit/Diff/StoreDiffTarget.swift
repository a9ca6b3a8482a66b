/// A store as what reg-diff compares with: a registry through the same store the walk and the
/// copier use, or a folder (`storage:DIR`, `oci:DIR`) that was shipped.
struct StoreDiffTarget: DiffTarget {
    let store: any ImageStore

    var name: String { store.name }

    func repositories() async throws -> Set<String> {
        var all = Set<String>()
        try await store.repositories { all.formUnion($0) }
        return all
    }

    /// The repository's tag list; `NAME_UNKNOWN` (a 404) is a repository the store lacks.
    func repository(_ repo: String) async throws -> TargetRepository {
        var all: [String] = []
        do {
            try await store.tags(repo) { all += $0 }
        } catch RegistryError.notFound {
            return .absent
        }
        return .present(tags: all)
    }

    func tag(_ tag: String, in repo: String) async throws -> TargetTag {
        do {
            return .present(digest: try await store.head(repo, reference: tag).digest.description)
        } catch RegistryError.notFound {
            return .absent
        }
    }
}
