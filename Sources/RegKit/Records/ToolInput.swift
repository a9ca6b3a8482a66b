/// Where a tool's records come from: its reference arguments, or else the lines of its
/// standard input (DESIGN.md, "The tools").
public enum ToolInput: Sendable {
    /// Records in memory: those of reference arguments, or none for a tool that reads no
    /// records (reg-ls, reg-seed).
    case records([Record])
    /// Records on a descriptor, one JSON object a line.
    case lines(RecordInput)

    /// The records of reference arguments: `registry`, `repo`, `tag`, `digest` as written.
    public static func references(_ references: [ImageReference]) -> ToolInput {
        .records(references.map(Record.init(reference:)))
    }

    /// How messages name the input: `stdin`, a file name, or `arguments`.
    public var name: String {
        switch self {
        case .records: return "arguments"
        case .lines(let input): return input.name
        }
    }

    /// The records one after the other; lines are read on a thread of their own
    /// (``RecordInput/stream(buffer:)``).
    public func records() -> any AsyncSequence<Record, Never> & Sendable {
        switch self {
        case .records(let records): return RecordSource.records(records)
        case .lines(let input): return input.stream()
        }
    }

    /// Every record, once the input has ended: for a tool that decides on the whole input.
    public func all() async -> [Record] {
        if case .records(let records) = self { return records }
        var all: [Record] = []
        for await record in records() { all.append(record) }
        return all
    }
}
