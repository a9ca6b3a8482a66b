#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `reg-diff` cannot compare at all: trouble (exit status 2), in one line naming the input.
public enum DiffError: TroubleReporting, Equatable, Sendable, CustomStringConvertible {
    /// The input (`stdin`) or a snapshot holds no record that can be compared. An
    /// inventory that failed leaves exactly that, so it is never taken for "same".
    case nothingToCompare(source: String, records: Int)
    /// A snapshot file that cannot be opened; `code` is the `errno`.
    case unreadable(path: String, code: Int32)

    public var description: String {
        switch self {
        case .nothingToCompare(let source, 0):
            return "\(source): no records, so nothing to compare (a failed inventory leaves none either)"
        case .nothingToCompare(let source, 1):
            return "\(source): its one record cannot be compared (it carries an error or names no repo)"
        case .nothingToCompare(let source, let records):
            return "\(source): none of its \(records) records can be compared (each carries an error or names no repo)"
        case .unreadable(let path, let code):
            return "\(path): cannot open: \(String(cString: strerror(code)))"
        }
    }

    public var isTrouble: Bool { true }
}
