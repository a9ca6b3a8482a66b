public import ArgumentParser
package import RegKit

/// Image references as arguments, for the tools that resolve tags or digests.
public struct ImageReferenceArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "REGISTRY/REPO:TAG or REGISTRY/REPO@DIGEST, or a Docker Hub name (alpine:3.20). Without them, records are read from standard input.",
            valueName: "ref"))
    package var references: [String] = []

    public init() {}

    public func validate() throws { _ = try parseReferences(references) }
}

/// Parses reference arguments, naming the one that is wrong.
package func parseReferences(_ arguments: [String]) throws -> [ImageReference] {
    try arguments.map { argument in
        do { return try ImageReference(parsing: argument) } catch { throw ValidationError("\(error)") }
    }
}
