import ArgumentParser
import Foundation
package import RegKit

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
