/// What a tool does, between the records it reads and the records it writes.
///
/// A command configures the operation from its arguments and runs it over a ``ToolContext``,
/// which carries the input, the output, the registry client and the diagnostics; the run
/// leaves its exit status in the diagnostics. Every tool's work has this one shape, so a new
/// tool's command only declares options and hands a configured operation to the core.
public protocol RecordOperation: Sendable {
    /// Reads `context.input` to its end (or nothing, for a tool that makes its records from its
    /// arguments), writes records to `context.output` in input order, reports on
    /// `context.diagnostics`.
    func run(_ context: ToolContext) async
}
