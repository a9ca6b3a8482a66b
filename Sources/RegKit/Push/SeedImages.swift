import Foundation

/// `reg-seed`: fills a registry with generated images, for demos, tests and benchmarks.
///
/// Repositories are `PREFIX0000`... and tags `1.0.0`, `1.0.1`...; image content is
/// derived from repository and tag (plus `salt`), so two registries seeded alike
/// hold identical digests. `created` steps back one day per tag from `newest`.
public struct SeedImages: RecordOperation {
    /// `REGISTRY`, or `REGISTRY/REPO[:TAG]` for one image (tag `latest` by default).
    public var target: ImageReference
    public var repositories: Int
    public var tags: Int
    public var prefix: String
    public var salt: String
    public var builder: ImageBuilder

    public init(
        target: ImageReference, repositories: Int = 1, tags: Int = 1, prefix: String = "seed/repo", salt: String = "",
        builder: ImageBuilder = ImageBuilder()
    ) {
        self.target = target
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

    /// Pushes everything, writing one record per tag pushed. One image that fails is trouble
    /// (status 2); of many, each failed record says why.
    public func run(_ context: ToolContext) async {
        let copier = ImageCopier(target: RegistryStore(registry: target.registry, client: context.client))
        guard target.repo != nil else { return await pushAll(copier, context) }
        var record = Record(reference: target)
        record.tag = target.tag ?? "latest"
        do {
            context.emit([try await push(record, builder, copier)])
        } catch {
            context.diagnostics.error("\(target): \(error)", status: 2)
        }
    }

    /// Pushes `repositories` × `tags` images; `created` steps back one day per tag.
    private func pushAll(_ copier: ImageCopier, _ context: ToolContext) async {
        var jobs: [Record] = []
        for repo in names {
            for t in 0..<tags {
                var record = Record()
                record.registry = target.registry.written
                record.repo = repo
                record.tag = "1.\(t / 100).\(t % 100)"
                jobs.append(record)
            }
        }
        let base = builder
        let total = jobs.count
        var done = 0
        await OrderedStream.run(RecordSource.records(jobs), window: context.window) { record in
            var builder = base
            builder.created = base.created.subtracting(seconds: 86_400 * Int64(Self.tagIndex(record.tag ?? "")))
            do {
                return [try await push(record, builder, copier)]
            } catch {
                return [context.failed(record, error)]
            }
        } emit: { records in
            done += 1
            context.emit(records)
            context.diagnostics.progress("\(done)/\(total) images")
        }
    }

    /// Pushes the image `builder` makes for the record's repository and tag through the copier.
    /// - Returns: the record with the image's digest, media type, size and created.
    private func push(_ record: Record, _ builder: ImageBuilder, _ copier: ImageCopier) async throws -> Record {
        let image = builder.build(seed: SeedImages.seed(repo: record.repo ?? "", tag: record.tag ?? "", salt: salt))
        let digest = try await copier.copy(
            from: BuiltImageSource(image), repo: "", reference: "latest", to: record.repo ?? "", tag: record.tag
        ).digest
        var pushed = record
        pushed.digest = digest.description
        pushed.mediaType = image.mediaType
        pushed.size = Int64(image.manifest.count)
        pushed.created = builder.created.description
        return pushed
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
