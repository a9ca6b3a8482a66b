/// Why a reg-select option or a record cannot be used.
///
/// Each message names the text at fault and says what to write instead.
public enum SelectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A glob with an unclosed `[` or a trailing `\`.
    case invalidGlob(String, reason: String)
    /// A regular expression that does not compile.
    case invalidRegex(String, option: String, reason: String)
    /// A version comparison such as `<1.4` that cannot be read.
    case invalidConstraint(String, reason: String)
    /// An age that is neither a duration (`90d`) nor an RFC 3339 date.
    case invalidAge(String, reason: String)
    /// A `--shard` that is not `I/N` with `1 <= I <= N`.
    case invalidShard(String, reason: String)
    /// A record lacks the `created` field that an option needs.
    case missingCreated(record: String, option: String)
    /// A record's `created` field is not an RFC 3339 time.
    case invalidCreated(record: String, value: String)

    public var description: String {
        switch self {
        case .invalidGlob(let pattern, let reason):
            return "pattern '\(pattern)': \(reason)"
        case .invalidRegex(let regex, let option, let reason):
            return "\(option) '\(regex)' is not a valid regular expression (\(reason))"
        case .invalidConstraint(let text, let reason):
            return "version comparison '\(text)': \(reason); write for example '<1.4', '>=1.0,<2.0' or '==1.2.3'"
        case .invalidAge(let text, let reason):
            return "age '\(text)': \(reason); write a duration such as 90d, 12h, 2w, 30m (minutes), 6mo (months), "
                + "or a date such as 2024-05-01 or 2024-05-01T12:00:00Z"
        case .invalidShard(let text, let reason):
            return "shard '\(text)': \(reason); write I/N with shards numbered from 1, for example 1/3, 2/3 and 3/3"
        case .missingCreated(let record, let option):
            return
                "\(record): record has no \(Record.Field.created) field, which \(option) needs; run reg-manifest --config first"
        case .invalidCreated(let record, let value):
            return "\(record): created '\(value)' is not an RFC 3339 time; run reg-manifest --config to set it"
        }
    }
}
