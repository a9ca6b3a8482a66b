/// A registry as the user wrote it, and how to reach it.
///
/// `host[:port]` speaks HTTPS; `http://host[:port]` speaks plain HTTP. The written
/// form is kept as is, because every record carries it (DESIGN.md, "Records").
public struct RegistryAddress: Sendable, Hashable, CustomStringConvertible {
    /// Exactly as written: `127.0.0.1:5000`, `http://127.0.0.1:5000`, `https://r.example`.
    public let written: String
    /// `host[:port]`, without scheme: the key for credentials and tokens.
    public let host: String
    /// True for plain HTTP.
    public let plainHTTP: Bool

    /// - Throws: ``ReferenceError`` when the text is not a registry.
    public init(_ text: String) throws {
        var rest = Substring(text)
        var plain = false
        if rest.hasPrefix("http://") {
            plain = true
            rest = rest.dropFirst("http://".count)
        } else if rest.hasPrefix("https://") {
            rest = rest.dropFirst("https://".count)
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains(where: { $0 == " " || $0 == "@" }) else {
            throw ReferenceError.invalidRegistry(text)
        }
        self.written = text
        self.host = String(rest)
        self.plainHTTP = plain
    }

    /// `https://host[:port]` or `http://host[:port]`.
    public var baseURL: String { (plainHTTP ? "http://" : "https://") + host }

    public var description: String { written }
}
