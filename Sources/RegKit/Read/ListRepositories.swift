/// `reg-ls`: one record per repository of each registry, every catalog page.
public struct ListRepositories: RecordOperation {
    public let registries: [RegistryAddress]

    public init(registries: [RegistryAddress]) { self.registries = registries }

    /// Streams the records page by page; a registry that fails is reported and the others still listed.
    public func run(_ context: ToolContext) async {
        for registry in registries {
            var count = 0
            do {
                try await context.store(registry).repositories { repositories in
                    count += repositories.count
                    context.emit(
                        repositories.map { repo in
                            var record = Record()
                            record.registry = registry.written
                            record.repo = repo
                            return record
                        })
                    context.diagnostics.progress("\(registry.name): \(count) repositories")
                }
            } catch RegistryError.notFound {
                // A registry may serve no catalog (Docker Hub, GHCR, pull-through caches): that is
                // an answer about this registry, not trouble reaching it.
                context.diagnostics.error(
                    "\(registry.name) serves no catalog (HTTP 404 for /v2/_catalog): list a repository's tags with reg-tags \(registry.name)/REPO",
                    status: 1)
            } catch {
                context.diagnostics.error("\(error)", status: 2)
            }
            context.diagnostics.verbose("\(registry.name): \(count) repositories in all")
        }
    }
}
