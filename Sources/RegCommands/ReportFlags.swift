public import ArgumentParser
import RegKit

/// What to say on standard error.
public struct ReportFlags: ParsableArguments {
    @Flag(help: "Report progress on standard error.")
    var progress = false

    @Flag(name: [.customShort("v"), .long], help: "Report progress, retries and a summary on standard error.")
    var verbose = false

    public init() {}

    var level: Diagnostics.Level { verbose ? .verbose : progress ? .progress : .quiet }
}
