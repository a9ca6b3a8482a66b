public import ArgumentParser
import Foundation
public import RegCommands
import RegKit

/// `reg-diff TARGET...`: are these registries serving the same images?
public struct RegDiffCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-diff",
        abstract: "Compare the registry in the input records with target registries, like diff(1).",
        discussion: """
            The input records are the reference. Each target is compared at every level the input implies: the repositories, the tags of each repository, and the digest of each tag. What the input lacks is fetched from the registry named in the records; input that carries tags or digests (a saved reg-ls | reg-tags | reg-manifest) is used as given. Digests are compared by HEAD with the same Accept list on both sides, so a multi-platform image compares by its index digest; the records of reg-manifest --expand (one per platform) compare their tag once, by its "index".

            One record per difference, with "diff" and "target":
              missing   the target lacks the repository or tag
              changed   the tag's digest differs; "found" holds the target's
              extra     the target has a repository or tag that the reference
                        lacks, where the input is known whole (below)

            A repository without tags (distribution keeps one in its catalog after its last tag is deleted) is the same as no repository, on either side.

            What only the target has is a difference only where the input holds all the reference has: a selection (reg-ls a | reg-select --repo 'team/*') is compared, never what lies outside it. reg-diff checks this with the reference registry: the input's repositories against its catalog (one listing; a repository without tags does not count), and the tag records of each repository against its tag list (a repository record gets its whole tag list). --catalog declares the input whole instead, with no check; --no-extra reports no extras and reads no target's catalog.

            Exit status: 0 no difference, 1 differences, 2 trouble (a registry that cannot be reached or refuses us, or an input or snapshot with no record to compare, which is what a failed inventory leaves: one line naming it on standard error).

            --snapshot FILE compares the input with a saved snapshot instead of a live target: "missing" is what the snapshot lacks (new since), "extra" what the input lacks (gone since).

            Examples:
              reg-ls a.example | reg-diff b.example c.example
              reg-ls a | reg-tags | reg-manifest > snap.ndjson
              reg-ls a | reg-diff --snapshot snap.ndjson
            """,
        version: RegVersion.current)

    @Argument(help: ArgumentHelp("Target registries: host[:port], or http://host[:port] for plain HTTP.", valueName: "target"))
    var targets: [String] = []

    @Option(help: ArgumentHelp("Compare with this saved snapshot of records instead of a live registry.", valueName: "file"))
    var snapshot: String?

    @Flag(help: "Do not report repositories and tags that only the target has; the target's catalog is not read.")
    var noExtra = false

    @Flag(help: "The input is each registry's whole catalog, every tag included: report extras without checking it.")
    var catalog = false

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        if targets.isEmpty && snapshot == nil {
            throw ValidationError("Name a target registry, or --snapshot FILE: reg-ls a | reg-diff b.")
        }
        for target in targets {
            do { _ = try RegistryAddress(target) } catch { throw ValidationError("\(error)") }
        }
        if let snapshot, !FileManager.default.isReadableFile(atPath: snapshot) {
            throw ValidationError("--snapshot \(snapshot): no such readable file.")
        }
    }

    public func run() async throws {
        let context = try stdinContext(flags: flags, tool: "reg-diff") {
            "reg-diff reads the reference from standard input: reg-ls a | reg-diff b."
        }
        let compare = CompareRegistries(
            targets: try targets.map(RegistryAddress.init), snapshot: snapshot, reportExtras: !noExtra,
            declaredWhole: catalog)
        await compare.run(context)
        try context.finish()
    }
}
