/// A registry as the user wrote it, and how to reach it.
///
/// `host[:port]` speaks HTTPS; `http://host[:port]` speaks plain HTTP. The written
/// form is kept as is, because every record carries it (DESIGN.md, "Records"); URLs,
/// messages, credentials and grouping use the normalised ``name``, so that
/// `http://Host:5000/` and `http://host:5000` are one registry.
public struct RegistryAddress: Sendable, Hashable, CustomStringConvertible {
    /// Exactly as written: `127.0.0.1:5000`, `http://127.0.0.1:5000`, `https://r.example/`.
    public let written: String
    /// `host[:port]`, without scheme or trailing slash, lower-cased (host names are
    /// case-insensitive): the key for credentials and tokens.
    public let host: String
    /// True for plain HTTP.
    public let plainHTTP: Bool

    /// - Throws: ``ReferenceError`` when the text is not a registry.
    public init(_ text: String) throws {
        var rest = Substring(text)
        var plain = false
        if rest.lowercased().hasPrefix("http://") {
            plain = true
            rest = rest.dropFirst("http://".count)
        } else if rest.lowercased().hasPrefix("https://") {
            rest = rest.dropFirst("https://".count)
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains(where: { $0 == " " || $0 == "@" }) else {
            throw ReferenceError.invalidRegistry(text)
        }
        self.written = text
        self.host = rest.lowercased()
        self.plainHTTP = plain
    }

    /// The registry spelled one way: `host[:port]` for HTTPS, `http://host[:port]` for plain
    /// HTTP. Two addresses with the same name are the same registry, however they were written.
    public var name: String { plainHTTP ? "http://" + host : host }

    /// `https://host[:port]` or `http://host[:port]`.
    public var baseURL: String { (plainHTTP ? "http://" : "https://") + host }

    public var description: String { name }

    public static func == (a: RegistryAddress, b: RegistryAddress) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
