public import ArgumentParser
package import RegKit

/// Everything a networked tool shares: TLS, credentials, transfer and report flags.
public struct RegistryFlags: ParsableArguments {
    @OptionGroup(title: "TLS") var tls: TLSFlags
    @OptionGroup(title: "Credentials") package var credentials: CredentialFlags
    @OptionGroup(title: "Transfer") var transfer: TransferFlags
    @OptionGroup(title: "Reporting") var report: ReportFlags

    public init() {}

    /// `--timeout`: seconds a request may stall; reg-probe also limits each phase to it.
    package var timeout: Int { transfer.timeout }

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
        let store = CredentialStore(explicit: explicit, authFile: credentials.authfile, helperTimeout: transfer.timeout)
        if let warning = store.environmentWarning { diagnostics.warning(warning) }
        let client = RegistryClient(
            options: ClientOptions(
                tls: tls.options, retry: RetryPolicy(retries: transfer.retries), jobs: transfer.jobs, timeout: transfer.timeout),
            credentials: store,
            log: { [diagnostics] line in diagnostics.verbose(line) })
        return ToolContext(client: client, diagnostics: diagnostics, input: input)
    }
}
