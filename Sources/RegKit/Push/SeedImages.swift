import Foundation

/// `reg-seed`: fills a registry with generated images, for demos, tests and benchmarks.
///
/// Repositories are `PREFIX0000`... and tags `1.0.0`, `1.0.1`...; image content is
/// derived from repository and tag (plus `salt`), so two registries seeded alike
/// hold identical digests. `created` steps back one day per tag from `newest`.
public struct SeedImages: Sendable {
    public var repositories: Int
    public var tags: Int
    public var prefix: String
    public var salt: String
    public var builder: ImageBuilder

    public init(repositories: Int, tags: Int, prefix: String, salt: String, builder: ImageBuilder) {
        self.repositories = repositories
        self.tags = tags
        self.prefix = prefix
        self.salt = salt
        self.builder = builder
    }

    /// The repository names, in order.
    public var names: [String] {
        let width = max(String(repositories - 1).count, 2)
        return (0..<repositories).map { i in
            repositories == 1 && !prefix.hasSuffix("/") && !prefix.isEmpty
                ? prefix : prefix + String(repeating: "0", count: width - String(i).count) + String(i)
        }
    }

    /// Pushes everything, writing one record per tag pushed.
    public func run(_ registry: RegistryAddress, _ context: ToolContext) async {
        let copier = ImageCopier(target: RegistryStore(registry: registry, client: context.client))
        var jobs: [Record] = []
        for repo in names {
            for t in 0..<tags {
                var record = Record()
                record.registry = registry.written
                record.repo = repo
                record.tag = "1.\(t / 100).\(t % 100)"
                jobs.append(record)
            }
        }
        let base = builder
        let salt = self.salt
        let total = jobs.count
        var done = 0
        await OrderedStream.run(RecordSource.records(jobs), window: context.window) { record in
            var builder = base
            let index = Self.tagIndex(record.tag ?? "")
            builder.created = base.created.subtracting(seconds: 86_400 * Int64(index))
            let image = builder.build(seed: SeedImages.seed(repo: record.repo ?? "", tag: record.tag ?? "", salt: salt))
            do {
                let digest = try await copier.copy(
                    from: BuiltImageSource(image), repo: "", reference: "latest", to: record.repo ?? "", tag: record.tag
                ).digest
                var pushed = record
                pushed.digest = digest.description
                pushed.mediaType = image.mediaType
                pushed.size = Int64(image.manifest.count)
                pushed.created = builder.created.description
                return [pushed]
            } catch {
                return [context.failed(record, error)]
            }
        } emit: { records in
            done += 1
            context.emit(records)
            context.diagnostics.progress("\(done)/\(total) images")
        }
    }

    /// Pushes one built image to `repo:tag` through the copier.
    /// - Returns: the digest of its top manifest.
    public static func push(
        _ image: ImageBuilder.Image, to registry: RegistryAddress, repo: String, tag: String, _ context: ToolContext
    ) async throws -> Digest {
        let copier = ImageCopier(target: RegistryStore(registry: registry, client: context.client))
        return try await copier.copy(from: BuiltImageSource(image), repo: "", reference: "latest", to: repo, tag: tag).digest
    }

    /// What an image's content derives from: repository, tag and salt, never the registry, so the
    /// same command gives the same digest anywhere, one image or many, and one salt gives each
    /// repository and tag its own image.
    public static func seed(repo: String, tag: String, salt: String) -> String { "\(salt)/\(repo)/\(tag)" }

    private static func tagIndex(_ tag: String) -> Int {
        let parts = tag.split(separator: ".").compactMap { Int($0) }
        return parts.count == 3 ? parts[1] * 100 + parts[2] : 0
    }
}
