public import ArgumentParser
import Foundation
import RegKit

/// `reg-diff TARGET...`: are these registries serving the same images?
public struct RegDiffCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-diff",
        abstract: "Compare the registry in the input records with target registries, like diff(1).",
        discussion: """
            The input records are the reference. Each target is compared at every level the \
            input implies: repositories (when the input lists them, as reg-ls does), the tags of \
            each repository, and the digest of each tag. What the input lacks is fetched from the \
            registry named in the records; input that carries tags or digests (a saved reg-ls | \
            reg-tags | reg-manifest) is used as given. Digests are compared by HEAD with the same \
            Accept list on both sides, so a multi-platform image compares by its index digest.

            One record per difference, with "diff" and "target":
              missing   the target lacks the repository or tag
              changed   the tag's digest differs; "found" holds the target's digest
              extra     the target has a repository, or a tag in a compared repository,
                        that the reference lacks (repositories only when the input lists
                        the whole catalog: reg-ls output, or --catalog)

            Exit status: 0 no difference, 1 differences, 2 trouble (a registry that cannot be \
            reached or refuses us: one line naming it on standard error).

            --snapshot FILE compares the input with a saved snapshot instead of a live target: \
            "missing" is what the snapshot lacks (new since), "extra" what the input lacks (gone \
            since).

            Examples:
              reg-ls a.example | reg-diff b.example c.example
              reg-ls a | reg-tags | reg-manifest > snap.ndjson
              reg-ls a | reg-diff --snapshot snap.ndjson
            """)

    @Argument(help: ArgumentHelp("Target registries: host[:port], or http://host[:port] for plain HTTP.", valueName: "target"))
    var targets: [String] = []

    @Option(help: ArgumentHelp("Compare with this saved snapshot of records instead of a live registry.", valueName: "file"))
    var snapshot: String?

    @Flag(help: "Do not report repositories and tags that only the target has.")
    var noExtra = false

    @Flag(help: "The input is each registry's whole catalog, although it holds tag records: report extra repositories too.")
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
        guard isatty(0) == 0 || flags.credentials.passwordStdin else {
            throw ValidationError("reg-diff reads the reference from standard input: reg-ls a | reg-diff b.")
        }
        let diagnostics = Diagnostics(tool: "reg-diff", level: flags.report.level)
        let input = RecordInput(diagnostics: diagnostics)
        let context = try flags.context(tool: "reg-diff", diagnostics: diagnostics, input: input)
        var reference: [Record] = []
        while let record = input.next() { reference.append(record) }
        var sources: [any DiffTarget] = try targets.map { LiveTarget(registry: try RegistryAddress($0), client: context.client) }
        if let snapshot {
            let fd = open(snapshot, O_RDONLY)
            guard fd >= 0 else { throw ValidationError("--snapshot \(snapshot): cannot open.") }
            defer { close(fd) }
            let file = RecordInput(fd: fd, name: snapshot, diagnostics: diagnostics)
            var records: [Record] = []
            while let record = file.next() { records.append(record) }
            sources.append(SnapshotTarget(name: snapshot, records: records))
        }
        await CompareRegistries(reportExtras: !noExtra, wholeCatalog: catalog).run(input: reference, targets: sources, context)
        try context.finish()
    }
}
