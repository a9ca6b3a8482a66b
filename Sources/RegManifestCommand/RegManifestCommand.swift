public import ArgumentParser
public import RegCommands
import RegKit

/// `reg-manifest [REF...]`: resolve tags and digests to manifests.
public struct RegManifestCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-manifest",
        abstract: "Resolve tags to manifest digests, media types, sizes, platforms and creation times.",
        discussion: """
            For each reference (REGISTRY/REPO:TAG or REGISTRY/REPO@DIGEST) or input record, one \
            HEAD request fills "digest", "mediaType" and "size". The Accept header lists every \
            manifest type (OCI and Docker), so a multi-platform image resolves to its index digest.

            --config also reads the manifest and image config: "created" (for an index, its \
            newest platform's) and "platforms". --expand writes one record per platform of an \
            index, with "platform", that platform's "digest" and "index" (the index digest). \
            --raw writes the manifests themselves instead of records.

            Examples:
              reg-manifest 127.0.0.1:5000/team/app:1.0
              reg-ls 127.0.0.1:5000 | reg-tags | reg-manifest --config
            """,
        version: RegVersion.current)

    @OptionGroup var references: ImageReferenceArguments

    @Flag(help: "Also read the manifest and image config: adds created and platforms.")
    var config = false

    @Flag(help: "Write one record per platform of a multi-platform image.")
    var expand = false

    @Flag(help: "Write the manifests as served, not records.")
    var raw = false

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        if raw && (config || expand) { throw ValidationError("--raw writes manifests, not records: drop --config and --expand.") }
    }

    public func run() async throws {
        let context = try recordContext(arguments: references.references, flags: flags, tool: "reg-manifest")
        await ResolveManifests(options: .init(config: config, expand: expand, raw: raw)).run(context)
        try context.finish()
    }
}
