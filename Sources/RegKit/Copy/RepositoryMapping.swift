/// How a source repository is named at the destination (`--strip-prefix`, `--prefix`,
/// `--rename`), applied in that order. With none, the name stays.
public struct RepositoryMapping: @unchecked Sendable {
    // @unchecked: Regex<AnyRegexOutput> is immutable once compiled, but not declared Sendable.
    public var stripPrefix: String?
    public var prefix: String?
    private var rename: (regex: Regex<AnyRegexOutput>, replacement: String)?

    public init(stripPrefix: String? = nil, prefix: String? = nil) {
        self.stripPrefix = stripPrefix
        self.prefix = prefix
    }

    /// - Parameter rename: `s/REGEX/REPLACEMENT/` (any delimiter after the `s`); `$1` and `\1`
    ///   name a group in the replacement.
    /// - Throws: ``CopyError/invalidRename(_:reason:)`` when it is not that.
    public init(stripPrefix: String?, prefix: String?, rename: String?) throws {
        self.init(stripPrefix: stripPrefix, prefix: prefix)
        if let rename { self.rename = try Self.parse(rename) }
    }

    private static func parse(_ text: String) throws -> (Regex<AnyRegexOutput>, String) {
        guard text.count >= 4, text.first == "s", let delimiter = text.dropFirst().first, delimiter != "\\" else {
            throw CopyError.invalidRename(text, reason: "write it as s/REGEX/REPLACEMENT/")
        }
        // The three parts, a delimiter escaped with a backslash belonging to its part.
        var parts = [""]
        var escaped = false
        for c in text.dropFirst(2) {
            if escaped {
                parts[parts.count - 1] += c == delimiter ? String(c) : "\\" + String(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == delimiter {
                parts.append("")
            } else {
                parts[parts.count - 1].append(c)
            }
        }
        guard parts.count == 3, parts[2].isEmpty, !parts[0].isEmpty, !escaped else {
            throw CopyError.invalidRename(text, reason: "write it as s/REGEX/REPLACEMENT/, delimiter \(delimiter) three times")
        }
        do {
            let regex = try Regex(String(parts[0]))
            // `\1` as sed writes it, `$1` as Swift's replacement reads it.
            return (regex, String(parts[1]))
        } catch {
            throw CopyError.invalidRename(
                text, reason: "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
        }
    }

    /// The destination name of `repo`.
    public func map(_ repo: String) -> String {
        var name = repo
        if let stripPrefix, name.hasPrefix(stripPrefix) { name = String(name.dropFirst(stripPrefix.count)) }
        if let prefix { name = prefix + name }
        if let (regex, replacement) = rename, let match = try? regex.firstMatch(in: name) {
            name.replaceSubrange(match.range, with: Self.expand(replacement, match))
        }
        return name
    }

    /// The replacement with `$N` and `\N` replaced by group N of the match.
    private static func expand(_ replacement: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        var out = ""
        var chars = replacement[...]
        while let c = chars.popFirst() {
            if c == "$" || c == "\\", let digit = chars.first?.wholeNumberValue {
                chars.removeFirst()
                if digit < match.output.count, let group = match.output[digit].substring { out += group }
            } else {
                out.append(c)
            }
        }
        return out
    }
}
