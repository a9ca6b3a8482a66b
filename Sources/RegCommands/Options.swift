public import ArgumentParser
import Foundation
package import RegKit

/// How to reach registries over HTTPS: the same flags as curl.
public struct TLSFlags: ParsableArguments {
    @Flag(
        name: [.customShort("k"), .long],
        help: "Skip TLS certificate verification; send credentials to a plain-HTTP token realm of an HTTPS registry.")
    var insecure = false

    @Option(
        name: .customLong("ca-file"), help: ArgumentHelp("Trust the certificate authorities in this PEM file.", valueName: "file")
    )
    var caFile: String?

    @Option(name: .customLong("cert"), help: ArgumentHelp("Client certificate (PEM) for mutual TLS.", valueName: "file"))
    var certFile: String?

    @Option(name: .customLong("key"), help: ArgumentHelp("Private key (PEM) of --cert.", valueName: "file"))
    var keyFile: String?

    public init() {}

    public func validate() throws {
        for (flag, path) in [("--ca-file", caFile), ("--cert", certFile), ("--key", keyFile)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag) \(path): no such readable file.")
            }
        }
        if (certFile == nil) != (keyFile == nil) {
            throw ValidationError("--cert and --key go together: pass both.")
        }
    }

    var options: TLSOptions { TLSOptions(insecure: insecure, caFile: caFile, certFile: certFile, keyFile: keyFile) }
}

/// Who to be. Without these, REG_USERNAME/REG_PASSWORD, then the Docker config, then anonymous.
public struct CredentialFlags: ParsableArguments {
    @Option(name: [.customShort("u"), .long], help: "User name for every registry this run talks to.")
    var username: String?

    @Flag(help: "Read the password from the first line of standard input (records follow on the next lines).")
    var passwordStdin = false

    public init() {}

    public func validate() throws {
        if passwordStdin && username == nil {
            throw ValidationError("--password-stdin needs --username.")
        }
        if username != nil && !passwordStdin {
            throw ValidationError("--username needs --password-stdin: a password is never taken as an argument.")
        }
    }
}

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

/// What to say on standard error.
public struct ReportFlags: ParsableArguments {
    @Flag(help: "Report progress on standard error.")
    var progress = false

    @Flag(name: [.customShort("v"), .long], help: "Report progress, retries and a summary on standard error.")
    var verbose = false

    public init() {}

    var level: Diagnostics.Level { verbose ? .verbose : progress ? .progress : .quiet }
}

/// Everything a networked tool shares: TLS, credentials, transfer and report flags.
public struct RegistryFlags: ParsableArguments {
    @OptionGroup(title: "TLS") var tls: TLSFlags
    @OptionGroup(title: "Credentials") package var credentials: CredentialFlags
    @OptionGroup(title: "Transfer") var transfer: TransferFlags
    @OptionGroup(title: "Reporting") var report: ReportFlags

    public init() {}

    /// Builds the run's context; reads the password from standard input when asked to, before
    /// the records of `input` (which then come from standard input too).
    package func context(tool: String, diagnostics: Diagnostics? = nil, input: ToolInput = .records([])) throws -> ToolContext {
        ignoreBrokenPipeSignal()
        let diagnostics = diagnostics ?? Diagnostics(tool: tool, level: report.level)
        var explicit: Credentials?
        if credentials.passwordStdin, let username = credentials.username {
            let reader: RecordInput
            if case .lines(let lines) = input { reader = lines } else { reader = RecordInput(diagnostics: diagnostics) }
            guard let password = reader.rawLine(), !password.isEmpty else {
                throw ValidationError("--password-stdin: standard input holds no password.")
            }
            explicit = Credentials(username: username, password: password)
        }
        let store = CredentialStore(explicit: explicit, helperTimeout: transfer.timeout)
        if let warning = store.environmentWarning { diagnostics.warning(warning) }
        let client = RegistryClient(
            options: ClientOptions(
                tls: tls.options, retry: RetryPolicy(retries: transfer.retries), jobs: transfer.jobs, timeout: transfer.timeout),
            credentials: store,
            log: { [diagnostics] line in diagnostics.verbose(line) })
        return ToolContext(client: client, diagnostics: diagnostics, input: input)
    }
}

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

/// The run's context with reference arguments as its input, or else the records on standard
/// input, as DESIGN.md says.
/// - Throws: ``ValidationError`` when there are no arguments and standard input is a terminal.
package func recordContext(arguments: [String], flags: RegistryFlags, tool: String) throws -> ToolContext {
    let references = try parseReferences(arguments)
    if !references.isEmpty { return try flags.context(tool: tool, input: .references(references)) }
    return try stdinContext(flags: flags, tool: tool) {
        "Give references as arguments, or pipe records in (reg-ls REGISTRY | \(tool))."
    }
}

/// The run's context with the records on standard input as its input.
/// - Parameter usage: what to say when standard input is a terminal.
/// - Throws: ``ValidationError`` with `usage` when standard input is a terminal.
package func stdinContext(flags: RegistryFlags, tool: String, usage: () -> String) throws -> ToolContext {
    guard isatty(0) == 0 || flags.credentials.passwordStdin else { throw ValidationError(usage()) }
    let diagnostics = Diagnostics(tool: tool, level: flags.report.level)
    return try flags.context(tool: tool, diagnostics: diagnostics, input: .lines(RecordInput(diagnostics: diagnostics)))
}

extension ToolContext {
    /// Flushes output and ends the command with the run's exit status.
    package func finish() throws {
        output.flush()
        if diagnostics.exitStatus != 0 { throw ExitCode(diagnostics.exitStatus) }
    }
}
