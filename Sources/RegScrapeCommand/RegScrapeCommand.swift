public import ArgumentParser
public import RegCommands
import RegKit

/// `reg-scrape --out DIR`: write images to disk, as a registry's storage tree or an OCI layout.
public struct RegScrapeCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-scrape",
        abstract: "Write whole images to a folder that a registry serves as it is, or as an OCI image layout.",
        discussion: """
            reg-scrape --out DIR writes each input record's image (every platform, attestation and \
            blob) into DIR in the reference registry's storage layout (docker/registry/v2/...): \
            docker-registry serve with DIR as its filesystem root serves exactly the scraped \
            repositories and tags, with the source's digests. --layout oci writes an OCI image layout \
            instead (oci-layout, index.json naming each image REPO:TAG, blobs/sha256/...), which \
            skopeo reads as oci:DIR:REPO:TAG.

            What DIR holds already is kept: a tag with its digest there costs no blob request, a \
            blob whose file is there is not fetched again. Every blob is checked against its digest \
            before it gets its final name, every file is written under a temporary name and renamed, \
            and the tag is written last, so an interrupted scrape leaves nothing half written and a \
            re-run completes it. Repository names and tags that would not stay inside DIR are refused.

            Images are read from the registry each record names; --from-storage ROOT reads them from \
            a registry's storage folder instead (its disk, without its API). A folder stands wherever \
            a registry is expected, in every tool: storage:DIR for a storage tree, oci:DIR for an OCI \
            layout (reg-ls storage:DIR, reg-diff oci:DIR, and records naming it).

            Each record comes out with "status" (scraped, exists), "dest" (the folder), "digest", \
            "bytes" written and "blobsCopied", "blobsMounted" (linked to a file DIR had), \
            "blobsSkipped". Exit status: 0 when every record ends scraped or exists; 1 when some \
            failed; 2 on trouble.

            Examples:
              reg-tags r.example/team/app | reg-select --tag '>=1.2' | reg-scrape --out ./ship
              reg-ls storage:./ship | reg-tags | reg-copy registry.local
              reg-ls r.example | reg-tags | reg-scrape --from-storage /var/lib/registry --out ./ship
            """,
        version: RegVersion.current)

    @Argument(
        help: ArgumentHelp(
            "REGISTRY/REPO:TAG or REGISTRY/REPO@DIGEST; without them, records are read from standard input.",
            valueName: "ref"))
    var references: [String] = []

    @Option(help: ArgumentHelp("The folder to write into (made when missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("storage (a registry's storage tree) or oci (an OCI image layout).", valueName: "layout"))
    var layout: FolderAddress.Layout = .storage

    @Option(
        help: ArgumentHelp("Read images from this registry storage folder instead of the records' registry.", valueName: "root"))
    var fromStorage: String?

    @OptionGroup(title: "Content") var content: ImageContentFlags

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        guard FolderAddress(layout.prefix + out) != nil else { throw ValidationError("--out needs a folder.") }
    }

    public func run() async throws {
        let context = try recordContext(arguments: references, flags: flags, tool: "reg-scrape")
        let options = ScrapeImages.Options(
            out: FolderAddress(layout: layout, path: out), fromStorage: fromStorage, platforms: try content.platforms(),
            referrers: content.referrers)
        await ScrapeImages(options: options).run(context)
        try context.finish()
    }
}

extension FolderAddress.Layout: ExpressibleByArgument {}
