/// `reg-ls`: one record per repository of each registry, every catalog page.
public struct ListRepositories: Sendable {
    public let registries: [RegistryAddress]

    public init(registries: [RegistryAddress]) { self.registries = registries }

    /// Streams the records page by page; a registry that fails is reported and the others still listed.
    public func run(_ context: ToolContext) async {
        for registry in registries {
            var count = 0
            do {
                try await context.client.catalog(registry) { repositories in
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
            } catch {
                context.diagnostics.error("\(error)", status: 2)
            }
            context.diagnostics.verbose("\(registry.name): \(count) repositories in all")
        }
    }
}
