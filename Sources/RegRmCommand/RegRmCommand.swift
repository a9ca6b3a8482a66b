public import ArgumentParser
public import RegCommands
import RegKit

extension RemovalScope: ExpressibleByArgument {}

/// `reg-rm [REF...]`: delete the selected manifests, never one another tag needs.
public struct RegRmCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-rm",
        abstract: "Delete the manifests (or only the tags) the records select, never one that another tag still needs.",
        discussion: """
            Reads the whole selection first, resolves each tag to its digest, then lists every \
            other tag in scope and what it reaches (the platform manifests of an index included). \
            A selected digest that a tag outside the selection still reaches is not deleted: the \
            record says "status": "kept" and "reason" names the tag. Indexes are deleted before \
            the manifests they list. A record of one platform (reg-manifest --expand) selects its \
            tag's whole image.

            Each record comes out with "status":
              deleted       gone with every tag on it (--tag-only: the tag alone is gone)
              would-delete  --dry-run: it would be deleted; nothing changed
              kept          another tag needs it, or the tag moved since it was resolved
              absent        already gone: a re-run after a partial run converges

            --tag-only removes the tag alone. Registries that delete tags (OCI distribution 1.1) \
            do it in one request; elsewhere the tag is pointed at a tiny unique placeholder \
            manifest, which is then deleted by digest (as regctl does). The fallback needs push \
            permission, leaves a 2-byte blob for garbage collection, and for a moment the tag \
            serves an empty image.

            Deletion only unlinks manifests: blob space returns when the registry's garbage \
            collection runs. Exit status: 0 when every record ends deleted, would-delete, kept or \
            absent; 1 when some failed; 2 on trouble (a registry that cannot be reached, refuses \
            us, or has deletion disabled: storage.delete.enabled, which --dry-run probes too) \
            and when SIGINT or SIGTERM stopped the run. A signal before the deletions start ends \
            the run at once; during them, no new deletion starts, those in flight finish, and \
            every record is written.

            Examples:
              reg-rm --dry-run 127.0.0.1:5000/team/app:1.0
              reg-tags 127.0.0.1:5000/team/app | reg-select --tag '<1.4' | reg-rm
              reg-ls r | reg-tags | reg-manifest --config |
                reg-select --keep 10 --by created | reg-select --older-than 90d | reg-rm
            """,
        version: RegVersion.current)

    @OptionGroup var references: ImageReferenceArguments

    @Flag(help: "Change nothing: report what would be deleted.")
    var dryRun = false

    @Flag(help: "Delete a selected digest even when a tag outside the selection still needs it.")
    var force = false

    @Flag(help: "Remove only the tags; keep the images for their other tags.")
    var tagOnly = false

    @Option(
        help: ArgumentHelp(
            "Where to look for other tags: registry (every repository) or repo (the selection's repositories only).",
            valueName: "scope"))
    var scope = RemovalScope.registry

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        if tagOnly && force { throw ValidationError("--tag-only keeps every image: --force does not apply.") }
    }

    public func run() async throws {
        let context = try recordContext(arguments: references.references, flags: flags, tool: "reg-rm")
        let options = RemoveManifests.Options(dryRun: dryRun, force: force, tagOnly: tagOnly, scope: scope)
        let interruption = Interruption.watchingSignals(context.diagnostics)
        await RemoveManifests(options: options, interruption: interruption).run(context)
        try context.finish()
    }
}
