/// A registry lists through its API: every catalog and tag-list page.
extension RegistryStore: ImageStore {
    public func repositories(each: ([String]) async throws -> Void) async throws {
        try await client.catalog(registry, each: each)
    }

    public func tags(_ repo: String, each: ([String]) async throws -> Void) async throws {
        try await client.tags(registry, repo: repo, each: each)
    }
}
