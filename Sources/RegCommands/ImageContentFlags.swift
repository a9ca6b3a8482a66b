public import ArgumentParser
package import RegKit

/// What of each image a copy takes: some platforms of an index, and what is attached to it.
/// reg-copy and reg-scrape share them.
public struct ImageContentFlags: ParsableArguments {
    @Option(
        name: .customLong("platform"),
        help: ArgumentHelp(
            "Only this platform of a multi-platform image (repeatable): one makes the tag point at that platform's manifest, several at a new index of them.",
            valueName: "os/arch[/variant]"))
    var platformPatterns: [String] = []

    @Flag(
        help:
            "Also what is attached to each image: the referrers API's list, the sha256-<hex> fallback index, cosign's .sig, .att and .sbom tags."
    )
    package var referrers = false

    public init() {}

    public func validate() throws { _ = try platforms() }

    /// The `--platform` patterns, parsed.
    package func platforms() throws -> [Platform] {
        try platformPatterns.map { text in
            guard let platform = Platform(parsing: text) else {
                throw ValidationError("--platform \(text): not os/arch[/variant] (linux/amd64, linux/arm64/v8).")
            }
            return platform
        }
    }
}
