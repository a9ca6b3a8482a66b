/// Version comparisons on tags: `<1.4`, `>=2.0`, `==1.2.3`, `!=1.3`, and several joined
/// with commas, which must all hold: `>=1.0,<2.0`.
///
/// Versions compare as ``LooseVersion``s. A tag that is not a version never matches,
/// nor does one that LooseVersion cannot compare with the bound.
public struct VersionConstraint: Sendable, Hashable, CustomStringConvertible {
    /// A comparison operator.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        // Two-character operators first, so that `<=` is not read as `<` and `=...`.
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case greater = ">"
    }

    /// One comparison: the tag on the left, the bound on the right.
    public struct Clause: Sendable, Hashable {
        public let op: Operator
        public let bound: LooseVersion
    }

    /// The text as written.
    public let text: String
    /// All of them must hold.
    public let clauses: [Clause]

    /// Whether `text` is meant as a comparison: it starts with `<`, `>`, `=` or `!`,
    /// characters a tag cannot start with.
    public static func looksLikeConstraint(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { $0 != " " }) else { return false }
        return first == "<" || first == ">" || first == "=" || first == "!"
    }

    /// Parses comparisons joined with commas; spaces around them are ignored.
    /// - Throws: ``SelectionError/invalidConstraint(_:reason:)``.
    public init(_ text: String) throws(SelectionError) {
        self.text = text
        var clauses: [Clause] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = part.trimmingSpaces()
            guard !part.isEmpty else { throw .invalidConstraint(text, reason: "a comparison is empty") }
            guard let op = Operator.allCases.first(where: { part.hasPrefix($0.rawValue) }) else {
                let reason =
                    part.hasPrefix("=")
                    ? "'\(part)' uses =; write == for equality" : "'\(part)' does not start with <, <=, >, >=, == or !="
                throw .invalidConstraint(text, reason: reason)
            }
            let operand = part.dropFirst(op.rawValue.count).trimmingSpaces()
            guard !operand.isEmpty else {
                throw .invalidConstraint(text, reason: "'\(part)' has no version after \(op.rawValue)")
            }
            guard let bound = LooseVersion(String(operand)) else {
                throw .invalidConstraint(text, reason: "'\(operand)' is not a version (it must start with a digit)")
            }
            clauses.append(Clause(op: op, bound: bound))
        }
        self.clauses = clauses
    }

    public var description: String { text }

    /// Whether `tag` is a version that satisfies every comparison.
    public func matches(_ tag: String) -> Bool {
        guard let version = LooseVersion(tag) else { return false }
        return matches(version)
    }

    /// Whether `version` satisfies every comparison.
    public func matches(_ version: LooseVersion) -> Bool {
        clauses.allSatisfy { clause in
            switch clause.op {
            case .equal: return version == clause.bound
            case .notEqual: return version != clause.bound
            default: break
            }
            guard let order = LooseVersion.compare(version, clause.bound) else { return false }
            switch clause.op {
            case .less: return order == .ascending
            case .lessOrEqual: return order != .descending
            case .greater: return order == .descending
            case .greaterOrEqual: return order != .ascending
            case .equal, .notEqual: return false
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
