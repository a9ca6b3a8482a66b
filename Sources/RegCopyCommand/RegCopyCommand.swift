public import ArgumentParser
public import RegCommands
import RegKit

/// `reg-copy DEST` or `reg-copy SRC DEST`: copy whole images between registries.
public struct RegCopyCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-copy",
        abstract: "Copy whole images (every platform and blob an index lists) from registry to registry, streaming.",
        discussion: """
            reg-copy DEST copies each input record's image to the registry DEST, under the same \
            repository name unless --strip-prefix, --prefix or --rename (applied in that order) \
            say otherwise. DEST may be REGISTRY/REPO[:TAG] for a single image: every record goes to \
            that repository (and tag), and a second image for one tag is an error. reg-copy SRC DEST \
            copies one reference, as skopeo and crane take it.

            A record with a tag copies the tag; with a digest too (reg-manifest output), that \
            digest, and when DEST's tag has it already the source is not asked. A repository \
            record (reg-ls output, or reg-diff's missing repository) copies every tag. reg-diff's \
            extra records (tags only DEST has) and records carrying error pass through untouched.

            Blobs stream from the source into the destination (a pipe of at most 4 MiB each) and \
            move once per run; a blob DEST has already costs one HEAD; one in another repository \
            of DEST is mounted. Manifests go children first and the tag last: a tag never points \
            at content that is not all there, so an interrupted copy is harmless and a re-run \
            completes it.

            --platform os/arch[/variant] (repeatable) copies part of a multi-platform image: one \
            platform makes the destination tag point at that platform's manifest, several at a new \
            index listing only them (and their attestations); the record's "destDigest" gives the \
            digest at the destination. --referrers also copies what is attached to each image: \
            what the referrers API lists, the sha256-<hex> fallback index and cosign's \
            sha256-<hex>.sig, .att and .sbom tags; at a destination without the referrers API, \
            manifests the API listed are added to its fallback index.

            Each record comes out with "status" (copied, exists, would-copy), "dest", "digest", \
            "bytes" and "blobsCopied", "blobsMounted", "blobsSkipped" (and "referrers" with \
            --referrers). Exit status: 0 when every \
            record ends copied, exists or would-copy; 1 when some failed; 2 on trouble.

            Examples:
              reg-copy 127.0.0.1:5000/team/app:1.0 127.0.0.1:5001/team/app:1.0
              reg-ls src.example | reg-tags | reg-select --repo 'team/*' | reg-copy dst.example
              reg-ls src.example | reg-diff dst.example | reg-copy dst.example
            """,
        version: RegVersion.current)

    @Argument(
        help: ArgumentHelp(
            "DEST, or SRC DEST: a registry, or REGISTRY/REPO[:TAG] for one image.", valueName: "reference"))
    var references: [String] = []

    @Option(help: ArgumentHelp("Remove this prefix from repository names at the destination.", valueName: "prefix"))
    var stripPrefix: String?

    @Option(help: ArgumentHelp("Put this prefix before repository names at the destination.", valueName: "prefix"))
    var prefix: String?

    @Option(help: ArgumentHelp("Rename repositories: s/REGEX/REPLACEMENT/ ($1 or \\1 for a group).", valueName: "expr"))
    var rename: String?

    @OptionGroup(title: "Content") var content: ImageContentFlags

    @Flag(help: "Copy nothing: report what would be copied, and how many bytes.")
    var dryRun = false

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        guard (1...2).contains(references.count) else {
            throw ValidationError("Give DEST (records on standard input), or SRC DEST.")
        }
    }

    public func run() async throws {
        let sources = references.dropLast().map { $0 }
        let destination: ImageReference
        let mapping: RepositoryMapping
        do {
            destination = try ImageReference(parsing: references.last!)
            mapping = try RepositoryMapping(stripPrefix: stripPrefix, prefix: prefix, rename: rename)
        } catch {
            throw ValidationError("\(error)")
        }
        if destination.digest != nil {
            throw ValidationError(
                "\(references.last!): a digest is what content hashes to, not a place to copy to: write REGISTRY/REPO[:TAG].")
        }
        let context = try recordContext(arguments: sources, flags: flags, tool: "reg-copy")
        let options = CopyImages.Options(
            destination: destination, mapping: mapping, platforms: try content.platforms(), referrers: content.referrers,
            dryRun: dryRun)
        await CopyImages(options: options).run(context)
        try context.finish()
    }
}
