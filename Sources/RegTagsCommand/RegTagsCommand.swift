public import ArgumentParser
public import RegCommands
import RegKit

/// `reg-tags [REF...]`: one record per tag.
public struct RegTagsCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-tags",
        abstract: "List the tags of repositories.",
        discussion: """
            Reads every page of /v2/NAME/tags/list for each repository named as an argument \
            (REGISTRY/REPO) or by the records on standard input, and writes one record per tag: \
            the input record with "tag" added, so fields added upstream pass through. Records \
            that already name a tag or digest, and records with "error", pass through.

            Examples:
              reg-tags 127.0.0.1:5000/team/app
              reg-ls 127.0.0.1:5000 | reg-tags
            """,
        version: RegVersion.current)

    @Argument(
        help: ArgumentHelp(
            "Repositories: REGISTRY/REPO, or a Docker Hub name (alpine, team/app). Without them, records are read from standard input.",
            valueName: "ref"))
    var references: [String] = []

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws { _ = try parseReferences(references) }

    public func run() async throws {
        let context = try recordContext(arguments: references, flags: flags, tool: "reg-tags")
        await ListTags().run(context)
        try context.finish()
    }
}
