public import ArgumentParser
import Foundation
public import RegCommands
import RegKit

/// `reg-seed`: push generated images, for the demo, the tests and the benchmarks.
public struct RegSeedCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-seed",
        abstract: "Fill a registry with small generated images (demo, tests, benchmarks).",
        discussion: """
            REGISTRY gets --repos repositories named PREFIX00, PREFIX01... with --tags tags each \
            (1.0.0, 1.0.1, ...). REGISTRY/REPO:TAG pushes one image there. Image content derives \
            from repository, tag and --salt, so registries seeded alike serve identical digests, \
            and a different --salt gives a different digest for the same tag. "created" is \
            --newest for the first tag and one day earlier for each tag after it. Writes one \
            record per image.

            Examples:
              reg-seed http://127.0.0.1:5000 --repos 3 --tags 5 --prefix demo/app
              reg-seed http://127.0.0.1:5000/team/web:2.0 \\
                --platforms linux/amd64,linux/arm64/v8
            """,
        version: RegVersion.current)

    @Argument(help: ArgumentHelp("REGISTRY, or REGISTRY/REPO[:TAG] for one image (tag latest by default).", valueName: "target"))
    var target: String

    @Option(help: "Repositories to create.")
    var repos = 1

    @Option(help: "Tags per repository.")
    var tags = 1

    @Option(help: "Repository name prefix.")
    var prefix = "seed/repo"

    @Option(help: "Changes every digest while keeping names.")
    var salt = ""

    @Option(help: "Manifest format: oci or docker.")
    var format = "oci"

    @Option(help: "Comma-separated platforms; more than one makes a multi-platform index.")
    var platforms = "linux/amd64"

    @Option(help: "RFC 3339 creation time of the first tag (default 2023-11-14T22:13:20Z).")
    var newest: String?

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        if try targetReference().digest != nil {
            throw ValidationError(
                "\(target): a digest cannot be pushed to: it is what the content hashes to. Name a tag: REGISTRY/REPO:TAG.")
        }
        guard ImageBuilder.Format(rawValue: format) != nil else { throw ValidationError("--format is oci or docker.") }
        guard repos >= 1, tags >= 1, tags <= 10_000 else {
            throw ValidationError("--repos and --tags take positive numbers (tags at most 10000).")
        }
        _ = try parsedPlatforms()
        if let newest, Timestamp(rfc3339: newest) == nil {
            throw ValidationError("--newest \(newest): not an RFC 3339 time such as 2024-05-01T12:00:00Z.")
        }
    }

    /// The target without a `/` is the registry to fill, however it is spelled: as an image
    /// reference, `registry:5000` would name the Docker Hub image `library/registry:5000`.
    private func targetReference() throws -> ImageReference {
        let scheme = ["http://", "https://"].first { target.lowercased().hasPrefix($0) }
        guard target.dropFirst(scheme?.count ?? 0).contains("/") else {
            do { return ImageReference(registry: try RegistryAddress(target)) } catch { throw ValidationError("\(error)") }
        }
        return try parseReferences([target])[0]
    }

    private func parsedPlatforms() throws -> [Platform] {
        try platforms.split(separator: ",").map { text in
            guard let platform = Platform(parsing: String(text)) else {
                throw ValidationError("--platforms: '\(text)' is not os/arch[/variant].")
            }
            return platform
        }
    }

    public func run() async throws {
        let context = try flags.context(tool: "reg-seed")
        let reference = try targetReference()
        var builder = ImageBuilder(format: ImageBuilder.Format(rawValue: format)!, platforms: try parsedPlatforms())
        if let newest, let time = Timestamp(rfc3339: newest) { builder.created = time }
        let seed = SeedImages(
            target: reference, repositories: repos, tags: tags, prefix: prefix, salt: salt,
            builder: builder)
        await seed.run(context)
        try context.finish()
    }
}
