public import ArgumentParser

/// How hard to work.
public struct TransferFlags: ParsableArguments {
    @Option(name: [.customShort("j"), .long], help: "Requests in flight at most to each registry.")
    var jobs = 8

    @Option(help: "Retries after a connection failure, a timeout or an HTTP 429, 502, 503, 504.")
    var retries = 4

    @Option(
        help: ArgumentHelp(
            "Give up an attempt that cannot connect, or sends or receives nothing, for this long; also a credential helper.",
            valueName: "seconds"))
    var timeout = 30

    public init() {}

    public func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs takes a number from 1 to 256.") }
        guard (0...20).contains(retries) else { throw ValidationError("--retries takes a number from 0 to 20.") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout takes a number of seconds from 1 to 3600.") }
    }
}
