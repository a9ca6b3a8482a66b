public import ArgumentParser
public import RegCommands
import RegKit

/// `reg-ls REGISTRY...`: one record per repository.
public struct RegLsCommand: RegTool {
    public static let configuration = CommandConfiguration(
        commandName: "reg-ls",
        abstract: "List the repositories of registries.",
        discussion: """
            Reads every page of /v2/_catalog and writes one record per repository:
              {"registry":"127.0.0.1:5000","repo":"team/app"}
            The registry is written as given: host[:port] speaks HTTPS, http://host[:port] plain HTTP.

            Examples:
              reg-ls registry.example:5000
              reg-ls http://127.0.0.1:5000 | reg-tags | reg-manifest
            """,
        version: RegVersion.current)

    @Argument(help: ArgumentHelp("Registries: host[:port], or http://host[:port] for plain HTTP.", valueName: "registry"))
    var registries: [String]

    @OptionGroup var flags: RegistryFlags

    public init() {}

    public func validate() throws {
        if registries.isEmpty { throw ValidationError("Name at least one registry: reg-ls host[:port].") }
        for registry in registries {
            do { _ = try RegistryAddress(registry) } catch { throw ValidationError("\(error)") }
        }
    }

    public func run() async throws {
        let context = try flags.context(tool: "reg-ls")
        let addresses = try registries.map(RegistryAddress.init)
        await ListRepositories(registries: addresses).run(context)
        try context.finish()
    }
}
